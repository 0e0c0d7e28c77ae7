/**
 * Run-length control for the property suites (see src/testing/README.md): runs per property from
 * PURENET_PROPERTY_RUNS / PURENET_DEEP, replay with PURENET_SEED / PURENET_PATH.
 */
import { propertyParameters, propertyRunConfig, type PropertyParameters } from '../../../src/testing/index.js';

export const config = propertyRunConfig();

/** Parameters for `test.prop` / `fc.assert`; `scale` < 1 for heavy properties. */
export const params = (scale = 1): PropertyParameters => propertyParameters(config, scale);

/**
 * A test timeout that grows with the configured runs, for properties whose runs are heavy
 * (`msPerRun` measured on this machine, times 4 for a machine shared with other jobs). A guard
 * against hangs, not a timed assertion.
 */
export const timeoutFor = (msPerRun: number, scale = 1): number => Math.max(5_000, 4 * Math.max(1, Math.round(config.numRuns * scale)) * msPerRun);

/** Every property file sets this as its test timeout (`vi.setConfig`): up to 250 ms per run, with the margin above. */
export const propertyTimeout = timeoutFor(250);
