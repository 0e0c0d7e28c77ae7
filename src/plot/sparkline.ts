/**
 * A loss curve in one line of text, for terminals and logs: values are averaged into at most
 * `width` buckets and drawn with the eight block characters ▁▂▃▄▅▆▇█, on a log scale by default
 * (losses fall by orders of magnitude). A bucket holding a non-finite value is drawn as `!`.
 */
import { InvalidArgumentError } from '../core/errors.js';

const BLOCKS = '▁▂▃▄▅▆▇█';

export interface SparklineOptions {
  /** Characters at most (default 60). */
  readonly width?: number;
  /** Log scale (default true); values ≤ 0 then draw as the lowest block. */
  readonly log?: boolean;
}

/** One character per bucket; '' for no values. */
export const sparkline = (values: ArrayLike<number>, options: SparklineOptions = {}): string => {
  const { width = 60, log = true } = options;
  if (!(Number.isInteger(width) && width > 0)) throw new InvalidArgumentError('sparkline', `expected width to be a positive integer, got ${width}`);
  const n = values.length;
  if (n === 0) return '';
  const buckets = Math.min(width, n);
  const means = Array.from({ length: buckets }, (_, b) => {
    const from = Math.floor((b * n) / buckets);
    const to = Math.floor(((b + 1) * n) / buckets);
    let total = 0;
    for (let i = from; i < to; i++) total += values[i];
    return total / (to - from);
  });
  const transform = (v: number): number => (log ? Math.log10(Math.max(v, Number.MIN_VALUE)) : v);
  const finite = means.filter(Number.isFinite).map(transform);
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  return means
    .map((v) => {
      if (!Number.isFinite(v)) return '!';
      const t = hi > lo ? (transform(v) - lo) / (hi - lo) : 0.5;
      return BLOCKS[Math.min(BLOCKS.length - 1, Math.floor(t * BLOCKS.length))];
    })
    .join('');
};
