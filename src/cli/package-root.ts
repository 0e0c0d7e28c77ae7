/**
 * Where purenet is installed: the nearest folder above this module whose package.json is
 * purenet's. The same code runs from src/ (tests) and from dist/src/ (the `purenet` binary), so
 * the root is found by walking up rather than by a fixed relative path.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PackageInfo {
  readonly root: string;
  readonly version: string;
  readonly scripts: Readonly<Record<string, string>>;
}

const readJson = (path: string): unknown => {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
};

/** purenet's package.json above `from` (default: this module), or undefined. */
export const findPackage = (from: string = fileURLToPath(import.meta.url)): PackageInfo | undefined => {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const json = readJson(join(dir, 'package.json')) as { name?: unknown; version?: unknown; scripts?: unknown } | undefined;
    if (json?.name === 'purenet') {
      const scripts = typeof json.scripts === 'object' && json.scripts !== null ? (json.scripts as Record<string, string>) : {};
      return { root: dir, version: typeof json.version === 'string' ? json.version : 'unknown', scripts };
    }
    if (dirname(dir) === dir) return undefined;
  }
};
