import { describe, expect, it } from 'vitest';
import { formatIdxError, idxError } from '../../../src/io/index.js';

describe('formatIdxError', () => {
  it('renders the tag and the message on one line', () => {
    expect(formatIdxError(idxError('NotFound', 'readIdxFile(/d/x): no such file (ENOENT)', '/d/x'))).toBe('NotFound: readIdxFile(/d/x): no such file (ENOENT)');
  });
  it('folds newlines of a wrapped system message into spaces', () => {
    const line = formatIdxError(idxError('Io', 'readIdxFile(/d/x): could not read the file: first\n   second\r\nthird\n'));
    expect(line).toBe('Io: readIdxFile(/d/x): could not read the file: first second third');
    expect(line).not.toMatch(/[\r\n]/);
  });
});

describe('idxError', () => {
  it('omits path when there is none, so records compare cleanly', () => {
    expect(idxError('BadOption', 'm')).toEqual({ _tag: 'BadOption', message: 'm' });
    expect('path' in idxError('BadOption', 'm')).toBe(false);
    expect(idxError('Gzip', 'm', '/p')).toEqual({ _tag: 'Gzip', message: 'm', path: '/p' });
  });
});
