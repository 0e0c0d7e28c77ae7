/**
 * The primitive table is complete: every primitive in `primitives` has a test entry, no entry is
 * stale, and every `...Def` exported from src/core/primitives/*.ts is registered in `primitives`
 * (a definition outside the table would escape every property suite).
 */
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { primitives, type PrimitiveDef } from '../../src/core/index.js';
import { primitiveCases } from './support/primitive-cases.js';

const isPrimitiveDef = (value: unknown): value is PrimitiveDef<unknown, unknown> =>
  typeof value === 'object' && value !== null && ['shapeRule', 'forward', 'vjp'].every((k) => typeof (value as Record<string, unknown>)[k] === 'function');

/** `file: exportName` for every exported `...Def` that is not a value of `table`. */
const unlistedDefinitions = (modules: Readonly<Record<string, Readonly<Record<string, unknown>>>>, table: Readonly<Record<string, unknown>>): string[] => {
  const registered = new Set(Object.values(table));
  return Object.entries(modules).flatMap(([file, exports]) =>
    Object.entries(exports)
      .filter(([name, value]) => name.endsWith('Def') && isPrimitiveDef(value) && !registered.has(value))
      .map(([name]) => `${file}: ${name}`),
  );
};

describe('the primitive table is complete', () => {
  it('every primitive has an entry in the test table', () => {
    expect(Object.keys(primitives).filter((name) => !(name in primitiveCases))).toEqual([]);
  });
  it('the test table has no entry for a primitive that does not exist', () => {
    expect(Object.keys(primitiveCases).filter((name) => !(name in primitives))).toEqual([]);
  });
  it('every ...Def exported by src/core/primitives/*.ts is registered in the table', async () => {
    const folder = fileURLToPath(new URL('../../src/core/primitives/', import.meta.url));
    const files = readdirSync(folder).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThanOrEqual(Object.keys(primitives).length);
    const modules: Record<string, Record<string, unknown>> = {};
    for (const file of files) modules[file] = (await import(pathToFileURL(join(folder, file)).href)) as Record<string, unknown>;
    expect(unlistedDefinitions(modules, primitives)).toEqual([]);
  });
  it('the folder scan would flag a definition missing from the table', () => {
    const stray = { name: 'stray', shapeRule: () => [], forward: () => undefined, vjp: () => [] };
    expect(unlistedDefinitions({ 'stray.ts': { strayDef: stray, helper: () => 0 } }, primitives)).toEqual(['stray.ts: strayDef']);
  });
});
