/**
 * The text of training progress, as pure functions of numbers: the live bar of a terminal, the
 * one line per epoch of a log, and the JSON object per epoch of a JSON Lines stream. JSON has no
 * NaN or Infinity, so non-finite numbers are written as null.
 */

/** `m:ss`, or `h:mm:ss` from an hour on; `--:--` when unknown. */
export const formatDuration = (seconds: number): string => {
  if (!(Number.isFinite(seconds) && seconds >= 0)) return '--:--';
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
};

/** Thousands separators, no decimals: `12,345`. */
export const formatCount = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '?');

/** A loss or metric with 4 decimals, switching to exponent notation for very large or tiny values. */
export const formatNumber = (x: number): string =>
  !Number.isFinite(x) ? String(x) : x !== 0 && (Math.abs(x) >= 1e5 || Math.abs(x) < 1e-3) ? x.toExponential(3) : x.toFixed(4);

/** `[██████······]`: `width` cells filled in proportion to `fraction` (clamped to [0, 1]). */
export const progressBar = (fraction: number, width: number): string => {
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const filled = Math.floor(f * width);
  return `[${'█'.repeat(filled)}${'·'.repeat(width - filled)}]`;
};

/** `epoch 3/10` (1-based for reading), or `epoch 3` when the total is unknown. */
const epochLabel = (epoch: number, epochs: number | undefined): string => `epoch ${epoch + 1}${epochs === undefined ? '' : `/${epochs}`}`;

export interface LiveStatus {
  /** 0-based epoch, and the total when known. */
  readonly epoch: number;
  readonly epochs?: number;
  readonly batchesDone: number;
  readonly batches: number;
  readonly samplesDone: number;
  readonly seconds: number;
  /** Sample-weighted mean of this epoch's batch losses so far. */
  readonly runningLoss: number;
}

/**
 * The live line: `epoch 3/10 [████····] 120/235  12,345 samples/s  ETA 0:07  loss 0.3456`,
 * cut to `columns - 1` characters so that it never wraps (a wrapped line cannot be redrawn by \r).
 */
export const formatLiveLine = (status: LiveStatus, columns = 80): string => {
  const { epoch, epochs, batchesDone, batches, samplesDone, seconds, runningLoss } = status;
  const rate = seconds > 0 ? samplesDone / seconds : NaN;
  const eta = batchesDone > 0 ? (seconds / batchesDone) * (batches - batchesDone) : NaN;
  const line = [
    `${epochLabel(epoch, epochs)} ${progressBar(batches > 0 ? batchesDone / batches : 0, 24)} ${batchesDone}/${batches}`,
    `${formatCount(rate)} samples/s`,
    `ETA ${formatDuration(eta)}`,
    `loss ${formatNumber(runningLoss)}`,
  ].join('  ');
  return line.length < columns ? line : line.slice(0, Math.max(0, columns - 1));
};

export interface EpochSummary {
  /** 0-based epoch, and the total when known. */
  readonly epoch: number;
  readonly epochs?: number;
  /** Sample-weighted mean training loss of the epoch. */
  readonly loss: number;
  /** Training time of the epoch, when known. */
  readonly seconds?: number;
  /** Examples seen in the epoch, when known. */
  readonly samples?: number;
  /** Further named numbers, e.g. `{ trainAccuracy: 0.95, testAccuracy: 0.94 }`. */
  readonly metrics?: Readonly<Record<string, number>>;
}

/** `trainAccuracy` → `train_accuracy`, as the lecture prints its numbers. */
const snakeCase = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/** `epoch 3/10  loss 0.1234  train_accuracy 0.9512  (12.30 s, 4,878 samples/s)`. */
export const formatEpochLine = (summary: EpochSummary): string => {
  const { epoch, epochs, loss, seconds, samples, metrics = {} } = summary;
  const numbers = Object.entries(metrics).map(([name, value]) => `${snakeCase(name)} ${formatNumber(value)}`);
  const timing =
    seconds === undefined
      ? []
      : [`(${seconds.toFixed(2)} s${samples === undefined || !(seconds > 0) ? '' : `, ${formatCount(samples / seconds)} samples/s`})`];
  return [epochLabel(epoch, epochs), `loss ${formatNumber(loss)}`, ...numbers, ...timing].join('  ');
};

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * One JSON object per epoch (no newline): `{"event":"epoch","epoch":0,"epochs":10,"loss":…,
 * "seconds":…,"samples":…,"samplesPerSecond":…, …metrics}`. `epoch` is 0-based, as in `fit`'s
 * history (the human lines count from 1); fields that are unknown are left out; metric names are
 * kept as given and never overwrite the fields above.
 */
export const epochJson = (summary: EpochSummary): string => {
  const { epoch, epochs, loss, seconds, samples, metrics = {} } = summary;
  const record: Record<string, unknown> = { event: 'epoch', epoch, ...(epochs === undefined ? {} : { epochs }), loss: finiteOrNull(loss) };
  if (seconds !== undefined) record.seconds = finiteOrNull(seconds);
  if (samples !== undefined) record.samples = samples;
  if (seconds !== undefined && samples !== undefined) record.samplesPerSecond = seconds > 0 ? finiteOrNull(samples / seconds) : null;
  for (const [name, value] of Object.entries(metrics)) if (!(name in record)) record[name] = finiteOrNull(value);
  return JSON.stringify(record);
};
