/**
 * PRNG keys as fast-check values: two 32-bit words, so every Threefry key is reachable and a
 * failure prints a key that `keyFromWords` rebuilds. Keys shrink towards [0, 0].
 */
import fc from 'fast-check';
import { keyFromWords, type Key } from '../../core/index.js';

export const keyArb = (): fc.Arbitrary<Key> =>
  fc.tuple(fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffffffff })).map((words) => keyFromWords(words));
