/**
 * Fake I/O for the command tests: streams that record what was written (optionally claiming to
 * be a terminal) and a clock that moves only when told to.
 */
import type { CliIo, OutputStream } from '../../src/cli/io.js';

export interface RecordingStream extends OutputStream {
  readonly chunks: string[];
  readonly text: () => string;
}

export const recordingStream = (options: { readonly isTTY?: boolean; readonly columns?: number } = {}): RecordingStream => {
  const chunks: string[] = [];
  return { ...options, chunks, write: (chunk: string) => chunks.push(chunk), text: () => chunks.join('') };
};

export interface FakeIo extends CliIo {
  readonly stdout: RecordingStream;
  readonly stderr: RecordingStream;
  /** Moves the clock forward by `seconds`. */
  readonly tick: (seconds: number) => void;
}

export const fakeIo = (options: { readonly tty?: boolean; readonly columns?: number } = {}): FakeIo => {
  let time = 1000;
  return {
    stdout: recordingStream({ isTTY: options.tty ?? false, ...(options.columns === undefined ? {} : { columns: options.columns }) }),
    stderr: recordingStream(),
    now: () => time,
    tick: (seconds) => {
      time += seconds;
    },
  };
};

/** What a terminal would show: carriage returns and clear-line sequences applied. */
export const screen = (output: string): string[] => {
  const lines: string[] = [''];
  for (const part of output.split(/(\r\x1b\[K|\n)/)) {
    if (part === '\r\x1b[K') lines[lines.length - 1] = '';
    else if (part === '\n') lines.push('');
    else lines[lines.length - 1] += part;
  }
  return lines;
};
