/**
 * What a command may touch, passed in rather than reached for: the output streams (with their
 * TTY-ness, which decides how progress is drawn) and a clock. Tests pass fakes; `processIo` is
 * the real process.
 */

/** The part of a writable stream that commands use; `isTTY` and `columns` as on process.stdout. */
export interface OutputStream {
  readonly write: (chunk: string) => unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** Seconds from an arbitrary origin (monotonic). */
  readonly now: () => number;
}

export const processIo = (): CliIo => ({
  stdout: process.stdout,
  stderr: process.stderr,
  now: () => performance.now() / 1000,
});

/**
 * `purenet … | head` closes the pipe early: stop quietly with the exit code so far instead of
 * an EPIPE stack trace, as Unix tools do.
 */
export const exitQuietlyOnBrokenPipe = (stream: NodeJS.WriteStream): void => {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });
};
