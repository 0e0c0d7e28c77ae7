import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import { parseArgvWithOperands, type FlagSpecs } from '../../src/cli/flags.js';

const specs: FlagSpecs = { checkpoint: { value: 'FILE', help: '' }, invert: { help: '' } };

describe('parseArgvWithOperands', () => {
  it('takes flags anywhere, their values with them, and the other words as operands in order', () => {
    expect(parseArgvWithOperands(['a.png', '--checkpoint', 'c.st', 'b.png', '--invert', 'd.idx'], specs)).toEqual(
      E.right({ flags: { checkpoint: 'c.st', invert: true }, operands: ['a.png', 'b.png', 'd.idx'] }),
    );
    expect(parseArgvWithOperands(['--checkpoint=c.st', 'a.png'], specs)).toEqual(E.right({ flags: { checkpoint: 'c.st' }, operands: ['a.png'] }));
  });

  it('after -- every word is an operand, even one that looks like a flag', () => {
    expect(parseArgvWithOperands(['--invert', '--', '--checkpoint', '-'], specs)).toEqual(E.right({ flags: { invert: true }, operands: ['--checkpoint', '-'] }));
  });

  it('keeps the usage errors of parseArgv: unknown flags, missing values, values on switches; --help wins', () => {
    const message = (argv: string[]) => {
      const parsed = parseArgvWithOperands(argv, specs);
      return E.isLeft(parsed) ? parsed.left.message : 'no error';
    };
    expect(message(['a.png', '--nope'])).toBe('unknown flag --nope (see --help)');
    expect(message(['a.png', '--checkpoint'])).toBe('--checkpoint expects a value (FILE)');
    expect(message(['--checkpoint', '--invert'])).toBe('--checkpoint expects a value (FILE)');
    expect(message(['--invert=1'])).toBe('--invert is a switch and takes no value');
    expect(parseArgvWithOperands(['x', '--help', '--nope'], specs)).toEqual(E.right({ flags: { help: true }, operands: ['x'] }));
  });
});
