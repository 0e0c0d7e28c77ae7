/**
 * The io-ts building blocks of the file boundaries and JSON config files: unknown keys are errors
 * with a readable tree (path, expected, received), `__proto__` is a key like any other, repeated
 * keys are caught, and reading a config file fails as a value for every reason a file can fail.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import * as D from 'io-ts/lib/Decoder.js';
import { duplicateKeys, entries, exactPartial, jsonString, nonNegativeInteger, readConfigFile, uint32 } from '../../../src/io/index.js';

const dir = mkdtempSync(join(tmpdir(), 'purenet-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const options = exactPartial({ epochs: nonNegativeInteger, name: D.string });
const drawn = <A>(result: E.Either<D.DecodeError, A>): string => (E.isLeft(result) ? D.draw(result.left) : 'Right');

describe('io-ts codecs', () => {
  it('exactPartial: known keys decode, absent ones stay absent, unknown ones are errors in the tree', () => {
    expect(options.decode({ epochs: 3 })).toEqual(E.right({ epochs: 3 }));
    expect(drawn(options.decode({ epoch: 3, epochs: -1 }))).toBe(
      ['optional property "epoch"', '└─ cannot decode 3, should be absent: there is no option "epoch" (the options are epochs, name)', 'optional property "epochs"', '└─ cannot decode -1, should be a non-negative integer'].join('\n'),
    );
    expect(drawn(options.decode(JSON.parse('{"__proto__": {"epochs": 1}}')))).toMatch(/optional property "__proto__"\n└─ cannot decode \{"epochs":1\}, should be absent/);
    expect(drawn(options.decode([1]))).toBe('cannot decode [1], should be an object');
  });

  it('entries keeps every key, __proto__ included, in order (D.record drops it)', () => {
    expect(entries(D.number).decode(JSON.parse('{"b": 1, "__proto__": 2, "a": 3}'))).toEqual(E.right([['b', 1], ['__proto__', 2], ['a', 3]]));
    expect(drawn(entries(D.number).decode({ a: 'x' }))).toBe('required property "a"\n└─ cannot decode "x", should be number');
  });

  it('jsonString parses then decodes; uint32 bounds key words', () => {
    expect(jsonString(D.array(uint32)).decode('[0, 4294967295]')).toEqual(E.right([0, 4294967295]));
    expect(drawn(jsonString(D.array(uint32)).decode('[4294967296]'))).toMatch(/cannot decode 4294967296, should be an integer in \[0, 2\^32 - 1\]/);
    expect(drawn(jsonString(D.number).decode('{'))).toBe('cannot decode "{", should be a string holding JSON');
  });

  it('duplicateKeys finds repeated keys at any depth, however they are spelt, and ignores values and arrays', () => {
    expect(duplicateKeys('{"a":1,"b":{"c":1,"c":2},"\\u0061":3}')).toEqual(['b.c', 'a']);
    expect(duplicateKeys('{"a":["a","a"],"b":"a","c":[{"x":1},{"x":2}]}')).toEqual([]);
    expect(duplicateKeys('{"a\\"":1,"a\\"":2}')).toEqual(['a"']);
  });
});

describe('readConfigFile', () => {
  const write = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('decodes a valid file, with or without a byte-order mark', async () => {
    expect(await readConfigFile(write('ok.json', '{"epochs": 2, "name": "run"}'), options)).toEqual(E.right({ epochs: 2, name: 'run' }));
    expect(await readConfigFile(write('bom.json', '\uFEFF{"epochs": 2}'), options)).toEqual(E.right({ epochs: 2 }));
  });

  it.each([
    ['missing.json', undefined, 'NotFound', /^readConfigFile\(.*missing\.json\): no such file \(ENOENT\)$/],
    ['syntax.json', '{"epochs": 2,}', 'BadJson', /^readConfigFile\(.*syntax\.json\): expected JSON, got a syntax error: /],
    ['repeated.json', '{"epochs": 2, "epochs": 3}', 'BadJson', /expected each key once, got "epochs" more than once$/],
    ['wrong.json', '{"epochs": "two", "nmae": "x"}', 'BadConfig', /: invalid configuration:\noptional property "nmae"\n└─ cannot decode "x", should be absent: there is no option "nmae" .*\noptional property "epochs"\n└─ cannot decode "two", should be number$/],
  ] as const)('refuses %s as %s', async (name, text, tag, message) => {
    const path = text === undefined ? join(dir, name) : write(name, text);
    const result = await readConfigFile(path, options);
    expect(E.isLeft(result) && result.left._tag).toBe(tag);
    if (E.isLeft(result)) {
      expect(result.left.message).toMatch(message);
      expect(result.left.path).toBe(path);
    }
  });
});
