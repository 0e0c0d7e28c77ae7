/** Run-length control and replay settings read from the environment. */
import { describe, expect, it } from 'vitest';
import { propertyParameters, propertyRunConfig, replayHint } from '../../src/testing/index.js';

describe('propertyRunConfig', () => {
  it('defaults to a small number of runs and a fresh seed', () => {
    expect(propertyRunConfig({})).toEqual({ numRuns: 8, deep: false });
  });
  it('PURENET_DEEP switches to nightly depth; PURENET_PROPERTY_RUNS overrides both', () => {
    expect(propertyRunConfig({ PURENET_DEEP: '1' }).numRuns).toBe(100);
    expect(propertyRunConfig({ PURENET_DEEP: 'false' }).numRuns).toBe(8);
    expect(propertyRunConfig({ PURENET_DEEP: '1', PURENET_PROPERTY_RUNS: '17' })).toEqual({ numRuns: 17, deep: true });
    expect(propertyRunConfig({}, { runs: 3, deepRuns: 30 }).numRuns).toBe(3);
  });
  it('PURENET_SEED and PURENET_PATH replay a failure', () => {
    expect(propertyRunConfig({ PURENET_SEED: '-42', PURENET_PATH: '3:1:0' })).toEqual({ numRuns: 8, deep: false, seed: -42, path: '3:1:0' });
    expect(propertyParameters(propertyRunConfig({ PURENET_SEED: '-42', PURENET_PATH: '3:1:0' }))).toMatchObject({ seed: -42, path: '3:1:0', endOnFailure: true });
  });
  it('refuses values it cannot use, naming the variable', () => {
    expect(() => propertyRunConfig({ PURENET_PROPERTY_RUNS: 'many' })).toThrow("propertyRunConfig: expected PURENET_PROPERTY_RUNS to be an integer >= 1, got 'many'");
    expect(() => propertyRunConfig({ PURENET_PROPERTY_RUNS: '0' })).toThrow('PURENET_PROPERTY_RUNS');
    expect(() => propertyRunConfig({ PURENET_SEED: '1.5' })).toThrow('PURENET_SEED');
    expect(() => propertyRunConfig({ PURENET_PATH: '1:2' })).toThrow('PURENET_PATH replays a counterexample of one seed: set PURENET_SEED too');
  });
});

describe('propertyParameters', () => {
  it('scales runs, keeps at least one, and reports errors in the message', () => {
    const config = propertyRunConfig({ PURENET_PROPERTY_RUNS: '10' });
    expect(propertyParameters(config, 0.25).numRuns).toBe(3);
    expect(propertyParameters(config, 0.01).numRuns).toBe(1);
    expect(propertyParameters(config)).toMatchObject({ numRuns: 10, includeErrorInReport: true });
    expect(propertyParameters(config)).not.toHaveProperty('seed');
  });
  it('the replay hint names both variables', () => {
    expect(replayHint(7, '1:2')).toContain('PURENET_SEED=7 PURENET_PATH=1:2');
    expect(replayHint(7, undefined)).not.toContain('PURENET_PATH');
  });
});
