import { describe, expect, it } from 'vitest';
import { cpuBackend, key, toArray } from '../../../src/core/index.js';
import * as layers from '../../../src/layers/index.js';

describe('src/layers/index', () => {
  it('exports the public surface by name', () => {
    const expected = [
      'calculateGain', 'computeFans', 'constantInit', 'dense', 'dropout', 'evalContext', 'formatSummary', 'gelu', 'initializers',
      'isFusable', 'kaimingNormal', 'kaimingUniform', 'leakyRelu', 'logSigmoid', 'logSoftmax', 'relu', 'sequential', 'sigmoid',
      'softmax', 'softplus', 'summary', 'tanh', 'torchLinearDefault', 'trainContext', 'xavierNormal', 'xavierUniform', 'zerosInit',
      'parallel', 'addAll', 'multiplyAll', 'concatAll', 'residual', 'map', 'dim', 'checkShape', 'checkFeatures', 'assertShape',
    ];
    expect(Object.keys(layers).sort()).toEqual(expected.sort());
  });

  it('initializers holds every initialiser under its short name', async () => {
    const cpu = cpuBackend();
    expect(Array.from(await toArray(layers.initializers.zeros(key(0), cpu, [2])))).toEqual([0, 0]);
    expect(layers.initializers.zeros).toBe(layers.zerosInit);
    expect(layers.initializers.kaimingNormal).toBe(layers.kaimingNormal);
    expect(Array.from(await toArray(layers.constantInit(2)(key(0), cpu, [1])))).toEqual([2]);
  });
});
