/**
 * Training progress as a fold over events — log lines, steps, epoch ends — whose output is text
 * for stdout and stderr. Three renderings of the same fold: 'tty' redraws one live bar per epoch
 * (samples/s, ETA, running loss) in place with \r; 'plain' writes one line per epoch (CI logs,
 * pipes); 'json' writes one JSON object per epoch on stdout (JSON Lines) and sends human lines to
 * stderr so that stdout stays machine-readable. `createProgress` is the thin effectful shell.
 *
 * @example
 * const progress = createProgress(processIo(), { json: flags.json });
 * await fit({ ..., onStep: (info) => progress.step({ ...info, epochs }) });
 * progress.epochEnd({ epoch, epochs, loss, metrics: { testAccuracy } });
 */
import type { CliIo, OutputStream } from './io.js';
import { epochJson, formatEpochLine, formatLiveLine, type EpochSummary, type LiveStatus } from './progress-format.js';

export type ProgressMode = 'tty' | 'plain' | 'json';

/** One batch's report; fit's `onStep` info has these fields (add `epochs` for "epoch 3/10"). */
export interface StepEvent {
  /** 0-based. */
  readonly epoch: number;
  readonly epochs?: number;
  readonly batchIndex: number;
  readonly batches: number;
  /** Examples in the batch. */
  readonly size: number;
  readonly loss: number;
}

export type ProgressEvent =
  | { readonly kind: 'log'; readonly line: string }
  | { readonly kind: 'step'; readonly step: StepEvent }
  | { readonly kind: 'epochEnd'; readonly summary: EpochSummary }
  | { readonly kind: 'close' };

export interface ProgressConfig {
  readonly mode: ProgressMode;
  /** Terminal width for the live line (default 80). */
  readonly columns?: number;
  /** Write a line per epoch in 'tty' and 'plain' modes (default true); false when the run prints its own. */
  readonly epochLines?: boolean;
  /** Seconds between redraws of the live bar (default 0.1); the last batch is always drawn. */
  readonly redrawInterval?: number;
}

interface EpochProgress {
  readonly epoch: number;
  readonly epochs?: number;
  readonly batches: number;
  readonly batchesDone: number;
  readonly samplesDone: number;
  readonly weightedLoss: number;
  readonly started: number;
}

export interface ProgressState {
  readonly current?: EpochProgress;
  /** When the previous epoch ended, or the last line logged outside an epoch: the next epoch's clock starts here. */
  readonly epochClock: number;
  readonly barShown: boolean;
  readonly lastDraw: number;
}

export interface ProgressOutput {
  readonly stdout: string;
  readonly stderr: string;
}

/** Back to the start of the line and clear it. */
const CLEAR_LINE = '\r\x1b[K';

export const initialProgress = (now: number): ProgressState => ({ epochClock: now, barShown: false, lastDraw: -Infinity });

const liveStatus = (current: EpochProgress, now: number): LiveStatus => ({
  epoch: current.epoch,
  ...(current.epochs === undefined ? {} : { epochs: current.epochs }),
  batchesDone: current.batchesDone,
  batches: current.batches,
  samplesDone: current.samplesDone,
  seconds: now - current.started,
  runningLoss: current.samplesDone > 0 ? current.weightedLoss / current.samplesDone : NaN,
});

const out = (stdout: string, stderr = ''): ProgressOutput => ({ stdout, stderr });
const NOTHING = out('');

/** The fold: the next state and what to write, from an event at time `now` (seconds). */
export const advanceProgress = (config: ProgressConfig, state: ProgressState, event: ProgressEvent, now: number): readonly [ProgressState, ProgressOutput] => {
  const { mode, columns = 80, epochLines = true, redrawInterval = 0.1 } = config;
  const bar = (s: ProgressState): string => (s.current === undefined ? '' : `${CLEAR_LINE}${formatLiveLine(liveStatus(s.current, now), columns)}`);
  switch (event.kind) {
    case 'log': {
      // Between epochs a log line reports work that is not training (loading data, evaluating,
      // writing a checkpoint): the next epoch's clock starts after it, so samples/s and the ETA
      // measure the steps alone.
      const clocked = state.current === undefined ? { ...state, epochClock: now } : state;
      if (mode === 'json') return [clocked, out('', `${event.line}\n`)];
      if (mode === 'tty' && state.barShown) return [{ ...clocked, lastDraw: now }, out(`${CLEAR_LINE}${event.line}\n${bar(state)}`)];
      return [clocked, out(`${event.line}\n`)];
    }
    case 'step': {
      const { step } = event;
      const previous = state.current?.epoch === step.epoch ? state.current : undefined;
      const base: EpochProgress = previous ?? {
        epoch: step.epoch,
        ...(step.epochs === undefined ? {} : { epochs: step.epochs }),
        batches: step.batches,
        batchesDone: 0,
        samplesDone: 0,
        weightedLoss: 0,
        started: state.epochClock,
      };
      const current: EpochProgress = {
        ...base,
        batchesDone: base.batchesDone + 1,
        samplesDone: base.samplesDone + step.size,
        weightedLoss: base.weightedLoss + step.loss * step.size,
      };
      const next: ProgressState = { ...state, current };
      if (mode !== 'tty') return [next, NOTHING];
      const due = !state.barShown || now - state.lastDraw >= redrawInterval || current.batchesDone === current.batches;
      return due ? [{ ...next, barShown: true, lastDraw: now }, out(bar(next))] : [next, NOTHING];
    }
    case 'epochEnd': {
      const { current } = state;
      // Fill in timing from the steps seen when the caller did not measure it.
      const summary: EpochSummary = {
        ...(current === undefined || current.epoch !== event.summary.epoch ? {} : { seconds: now - current.started, samples: current.samplesDone }),
        ...event.summary,
      };
      const next: ProgressState = { epochClock: now, barShown: false, lastDraw: state.lastDraw };
      if (mode === 'json') return [next, out(`${epochJson(summary)}\n`)];
      const clear = mode === 'tty' && state.barShown ? CLEAR_LINE : '';
      return [next, out(`${clear}${epochLines ? `${formatEpochLine(summary)}\n` : ''}`)];
    }
    case 'close':
      // An interrupted bar keeps its last state on screen; the shell prompt starts below it.
      return [{ ...state, current: undefined, barShown: false }, out(mode === 'tty' && state.barShown ? '\n' : '')];
  }
};

export interface Progress {
  readonly mode: ProgressMode;
  readonly log: (line: string) => void;
  readonly step: (step: StepEvent) => void;
  readonly epochEnd: (summary: EpochSummary) => void;
  readonly close: () => void;
}

/** 'json' when asked; otherwise 'tty' when the stream is a terminal, else 'plain'. */
export const progressMode = (stream: OutputStream, json: boolean): ProgressMode => (json ? 'json' : stream.isTTY === true ? 'tty' : 'plain');

export interface ProgressOptions {
  readonly json?: boolean;
  readonly epochLines?: boolean;
  readonly redrawInterval?: number;
}

/** Runs the fold, writing its output to `io.stdout` / `io.stderr` as events arrive. */
export const createProgress = (io: CliIo, options: ProgressOptions = {}): Progress => {
  const config: ProgressConfig = {
    mode: progressMode(io.stdout, options.json ?? false),
    // A pseudo-terminal without a size (script, some CI runners) reports 0 columns.
    columns: io.stdout.columns !== undefined && io.stdout.columns > 0 ? io.stdout.columns : 80,
    ...(options.epochLines === undefined ? {} : { epochLines: options.epochLines }),
    ...(options.redrawInterval === undefined ? {} : { redrawInterval: options.redrawInterval }),
  };
  let state = initialProgress(io.now());
  const send = (event: ProgressEvent): void => {
    const [next, output] = advanceProgress(config, state, event, io.now());
    state = next;
    if (output.stdout !== '') io.stdout.write(output.stdout);
    if (output.stderr !== '') io.stderr.write(output.stderr);
  };
  return {
    mode: config.mode,
    log: (line) => send({ kind: 'log', line }),
    step: (step) => send({ kind: 'step', step }),
    epochEnd: (summary) => send({ kind: 'epochEnd', summary }),
    close: () => send({ kind: 'close' }),
  };
};
