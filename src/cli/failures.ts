/**
 * How a command fails: a usage error (the user typed something wrong: exit code 2) or a runtime
 * error (the input was fine but the run could not complete: exit code 1), each reported as one
 * line on stderr, never as a stack trace. Stack traces are kept for bugs.
 */

/** Exit code 2: bad flags, unknown command, missing argument. */
export class UsageFailure extends Error {
  override readonly name = 'UsageFailure';
}

/** Exit code 1: a missing file, unreadable data, a failed write. */
export class RuntimeFailure extends Error {
  override readonly name = 'RuntimeFailure';
}

export const USAGE_EXIT = 2;
export const RUNTIME_EXIT = 1;

/**
 * One line from a multi-line message such as io-ts's error tree:
 * `invalid options:\noptional property "lr"\n└─ cannot decode -1, should be a positive number`
 * becomes `invalid options: --lr: cannot decode -1, should be a positive number` (flag decoders
 * are keyed by flag name); several failures are joined by `; `.
 */
export const oneLine = (message: string): string => {
  const [head = '', ...rest] = message
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (rest.length === 0) return head;
  const items: string[] = [];
  for (const raw of rest) {
    const line = raw.replace(/^[│├└─\s]+/u, '');
    const property = /^(?:optional |required )?property "([^"]+)"$/.exec(line);
    if (property !== null) items.push(`--${property[1]}`);
    else if (items.length === 0) items.push(line);
    else items[items.length - 1] += `: ${line}`;
  }
  return `${head.replace(/:$/, '')}: ${items.join('; ')}`;
};
