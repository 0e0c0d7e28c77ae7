/**
 * Command-line flags in the usual `--name value` / `--name=value` form, validated by io-ts
 * decoders: the argument vector is a boundary like any file. Parsing yields a record of raw
 * strings; a Decoder (see `numberArg`, `intArg`) turns it into typed options, and every failure
 * is a value rendered as one readable block (`draw`), never a stack trace.
 */
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as D from 'io-ts/lib/Decoder.js';

export interface FlagSpec {
  readonly help: string;
  /** Placeholder in help text, e.g. `N`; absent for boolean switches. */
  readonly value?: string;
  readonly default?: string;
}

export type FlagSpecs = { readonly [name: string]: FlagSpec };

export interface UsageError {
  readonly _tag: 'UsageError';
  readonly message: string;
}

export const usageError = (message: string): UsageError => ({ _tag: 'UsageError', message });

export type RawFlags = { readonly [name: string]: string | true };

/** Splits argv into flags; unknown flags, missing values and stray words are usage errors. */
export const parseArgv = (argv: readonly string[], specs: FlagSpecs): E.Either<UsageError, RawFlags> => {
  const out: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) return E.left(usageError(`unexpected argument '${arg}' (flags look like --name value)`));
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    if (name === 'help') return E.right({ help: true });
    const spec = specs[name];
    if (spec === undefined) return E.left(usageError(`unknown flag --${name} (see --help)`));
    if (spec.value === undefined) {
      if (eq >= 0) return E.left(usageError(`--${name} is a switch and takes no value`));
      out[name] = true;
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith('--'))) return E.left(usageError(`--${name} expects a value (${spec.value})`));
    out[name] = value;
  }
  return E.right(out);
};

/** Flags and the words between them (file names), in order; after `--` every word is an operand. */
export interface FlagsAndOperands {
  readonly flags: RawFlags;
  readonly operands: readonly string[];
}

/**
 * Like `parseArgv`, for commands that take operands (`purenet predict --checkpoint F a.png b.png`):
 * words that are not flags (or flag values) are operands instead of errors, and `--` ends the
 * flags so that a file named `--x` can be given.
 */
export const parseArgvWithOperands = (argv: readonly string[], specs: FlagSpecs): E.Either<UsageError, FlagsAndOperands> => {
  const flagWords: string[] = [];
  const operands: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      operands.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      operands.push(arg);
      continue;
    }
    flagWords.push(arg);
    // A value flag written as two words takes the next word with it.
    const spec = arg.includes('=') ? undefined : specs[arg.slice(2)];
    if (spec?.value !== undefined && i + 1 < argv.length && !argv[i + 1].startsWith('--')) flagWords.push(argv[++i]);
  }
  return pipe(
    parseArgv(flagWords, specs),
    E.map((flags) => ({ flags, operands })),
  );
};

/** Help text: a usage line, then one aligned line per flag with its default. */
export const renderHelp = (usage: string, description: string, specs: FlagSpecs): string => {
  const rows = Object.entries(specs).map(([name, spec]) => [`--${name}${spec.value === undefined ? '' : ` ${spec.value}`}`, `${spec.help}${spec.default === undefined ? '' : ` (default: ${spec.default})`}`]);
  const width = Math.max(...rows.map(([left]) => left.length), 6);
  return [`usage: ${usage}`, '', description, '', 'options:', ...rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`), `  ${'--help'.padEnd(width)}  show this help`].join('\n');
};

const finite = (s: string): number | undefined => (s.trim() === '' ? undefined : Number.isFinite(Number(s)) ? Number(s) : undefined);

/** A number given as a flag string or as a JSON number (config files). */
export const numberArg: D.Decoder<unknown, number> = {
  decode: (u) => {
    const n = typeof u === 'number' ? u : typeof u === 'string' ? finite(u) : undefined;
    return n === undefined || !Number.isFinite(n) ? D.failure(u, 'a finite number') : D.success(n);
  },
};

export const intArg = (min: number, max = Number.MAX_SAFE_INTEGER): D.Decoder<unknown, number> =>
  pipe(
    numberArg,
    D.refine((n): n is number => Number.isInteger(n) && n >= min && n <= max, `an integer in [${min}, ${max === Number.MAX_SAFE_INTEGER ? '∞' : max}]`),
  );

export const positiveNumberArg: D.Decoder<unknown, number> = pipe(
  numberArg,
  D.refine((n): n is number => n > 0, 'a positive number'),
);

export const choiceArg = <C extends string>(choices: readonly C[]): D.Decoder<unknown, C> => ({
  decode: (u) => (typeof u === 'string' && (choices as readonly string[]).includes(u) ? D.success(u as C) : D.failure(u, `one of ${choices.join(' | ')}`)),
});

export const stringArg: D.Decoder<unknown, string> = D.string;

/** A file or directory name: any non-empty string. */
export const pathArg: D.Decoder<unknown, string> = pipe(
  D.string,
  D.refine((s): s is string => s !== '', 'a non-empty path'),
);

/** Decodes and renders io-ts's error tree as the message of a usage error. */
export const decodeWith = <A>(decoder: D.Decoder<unknown, A>, raw: unknown, what: string): E.Either<UsageError, A> =>
  pipe(
    decoder.decode(raw),
    E.mapLeft((error) => usageError(`invalid ${what}:\n${D.draw(error)}`)),
  );

/** What a command's argv means: `--help`, or options to run with. */
export type ParsedCommand<O> = { readonly _tag: 'help' } | { readonly _tag: 'run'; readonly options: O };

/**
 * The whole argv boundary of a command: split the flags, answer `--help`, decode the rest with
 * io-ts and fill in defaults (`toOptions`). Every failure is one UsageError value.
 */
export const parseCommand = <F, O>(
  argv: readonly string[],
  specs: FlagSpecs,
  decoder: D.Decoder<unknown, F>,
  toOptions: (flags: F) => O,
): E.Either<UsageError, ParsedCommand<O>> =>
  pipe(
    parseArgv(argv, specs),
    E.chain((raw) =>
      raw.help === true
        ? E.right<UsageError, ParsedCommand<O>>({ _tag: 'help' })
        : pipe(
            decodeWith(decoder, raw, 'options'),
            E.map((flags): ParsedCommand<O> => ({ _tag: 'run', options: toOptions(flags) })),
          ),
    ),
  );
