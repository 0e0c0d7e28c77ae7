/**
 * How long property suites run and how to replay one failure, read from the environment so that
 * `npm test` stays fast and a nightly job or a bug hunt can go deeper without code changes:
 *   PURENET_PROPERTY_RUNS=n   runs per property (default 8)
 *   PURENET_DEEP=1            nightly depth (default 100 runs per property)
 *   PURENET_SEED=s            replay with fast-check seed s (printed on every failure)
 *   PURENET_PATH=p            with the seed, replay only the shrunk counterexample at path p
 * Failures throw a message with fast-check's report, our check report, and the line to replay.
 */
import fc from 'fast-check';
import { InvalidArgumentError } from '../core/index.js';

export interface PropertyRunConfig {
  readonly numRuns: number;
  readonly deep: boolean;
  readonly seed?: number;
  readonly path?: string;
}

export type Environment = Readonly<Record<string, string | undefined>>;

/** `process.env` where there is one (Node), else nothing (browsers). */
export const processEnvironment = (): Environment => (globalThis as { process?: { env?: Environment } }).process?.env ?? {};

const parseInteger = (name: string, text: string, min: number): number => {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) throw new InvalidArgumentError('propertyRunConfig', `expected ${name} to be an integer >= ${min}, got '${text}'`);
  return value;
};

const isOn = (text: string | undefined): boolean => text !== undefined && !['', '0', 'false', 'no', 'off'].includes(text.toLowerCase());

export const propertyRunConfig = (env: Environment = processEnvironment(), defaults = { runs: 8, deepRuns: 100 }): PropertyRunConfig => {
  const deep = isOn(env.PURENET_DEEP);
  const runs = env.PURENET_PROPERTY_RUNS;
  const seed = env.PURENET_SEED;
  const path = env.PURENET_PATH;
  if (path !== undefined && path !== '' && (seed === undefined || seed === '')) {
    throw new InvalidArgumentError('propertyRunConfig', 'PURENET_PATH replays a counterexample of one seed: set PURENET_SEED too (both are printed on failure)');
  }
  return {
    numRuns: runs !== undefined && runs !== '' ? parseInteger('PURENET_PROPERTY_RUNS', runs, 1) : deep ? defaults.deepRuns : defaults.runs,
    deep,
    ...(seed !== undefined && seed !== '' ? { seed: parseInteger('PURENET_SEED', seed, -(2 ** 31)) } : {}),
    ...(path !== undefined && path !== '' ? { path } : {}),
  };
};

/** Thrown when a property fails; the message carries everything needed to replay it. */
export class PropertyFailedError extends Error {
  constructor(
    message: string,
    readonly seed: number,
    readonly path: string | undefined,
    cause: unknown,
  ) {
    super(message, { cause });
    this.name = 'PropertyFailedError';
  }
}

/** The line to paste to replay one failure. */
export const replayHint = (seed: number, path: string | undefined): string =>
  [
    `Replay: PURENET_SEED=${seed}${path === undefined ? '' : ` PURENET_PATH=${path}`} npx vitest run <this test file> -t '<this test name>'`,
    `    or: fc.assert(property, { seed: ${seed}${path === undefined ? '' : `, path: '${path}', endOnFailure: true`} })`,
  ].join('\n');

const replayPlugin: fc.UniversalPlugin = () => ({
  onAllRunsComplete: (details) => {
    if (!details.failed) return;
    const report = fc.defaultReportMessage(details) ?? `Property failed (seed ${details.seed})`;
    const path = details.counterexamplePath ?? undefined;
    throw new PropertyFailedError(`${report}\n${replayHint(details.seed, path)}`, details.seed, path, details.errorInstance);
  },
});

/** The subset of fast-check's `Parameters` set here; assignable to `fc.Parameters<T>` for any T. */
export interface PropertyParameters {
  readonly numRuns: number;
  readonly seed?: number;
  readonly path?: string;
  readonly endOnFailure?: boolean;
  readonly includeErrorInReport: boolean;
  readonly plugins: fc.UniversalPlugin[];
}

/**
 * fast-check parameters for one property: `scale` multiplies the configured runs (heavy
 * properties use less than 1, at least one run is kept). Pass to `fc.assert` or `test.prop`.
 */
export const propertyParameters = (config: PropertyRunConfig, scale = 1): PropertyParameters => ({
  numRuns: Math.max(1, Math.round(config.numRuns * scale)),
  ...(config.seed === undefined ? {} : { seed: config.seed }),
  ...(config.path === undefined ? {} : { path: config.path, endOnFailure: true }),
  includeErrorInReport: true,
  plugins: [replayPlugin],
});
