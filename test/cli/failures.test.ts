import { describe, expect, it } from 'vitest';
import { oneLine } from '../../src/cli/failures.js';

describe('oneLine', () => {
  it("flattens io-ts's error tree into one line naming the flags", () => {
    expect(oneLine('invalid options:\noptional property "samples"\n└─ cannot decode "ten", should be a finite number\noptional property "lr"\n└─ cannot decode -1, should be a positive number')).toBe(
      'invalid options: --samples: cannot decode "ten", should be a finite number; --lr: cannot decode -1, should be a positive number',
    );
  });

  it('leaves a one-line message alone and joins other multi-line messages', () => {
    expect(oneLine('unknown flag --nope (see --help)')).toBe('unknown flag --nope (see --help)');
    expect(oneLine('head:\n  detail one\n  detail two')).toBe('head: detail one: detail two');
  });
});
