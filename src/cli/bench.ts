/**
 * `purenet bench`: the project's benchmarks, i.e. the package's own `npm run bench` script run in
 * the package folder (it builds, then times the kernels). Extra arguments pass through to it; its
 * exit code is the command's.
 */
import { spawn } from 'node:child_process';
import { RuntimeFailure } from './failures.js';
import type { CliIo } from './io.js';
import { findPackage, type PackageInfo } from './package-root.js';

export interface BenchDeps {
  readonly findPackage: () => PackageInfo | undefined;
  /** Runs a command with inherited stdio; resolves to its exit code. */
  readonly run: (command: string, args: readonly string[], cwd: string) => Promise<number>;
}

const runInherited = (command: string, args: readonly string[], cwd: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { cwd, stdio: 'inherit' });
    child.on('error', (error) => reject(new RuntimeFailure(`cannot start ${command}: ${error.message}`)));
    // Killed by a signal: no code; report failure.
    child.on('close', (code) => resolve(code ?? 1));
  });

export const defaultBenchDeps: BenchDeps = { findPackage: () => findPackage(), run: runInherited };

export const benchHelp = (): string =>
  [
    'usage: purenet bench [-- ARGS…]',
    '',
    "Runs the package's benchmarks (its `npm run bench` script, from the package folder); ARGS pass through to it.",
    '',
    'options:',
    '  --help  show this help',
  ].join('\n');

export const bench = async (argv: readonly string[], io: CliIo, deps: BenchDeps = defaultBenchDeps): Promise<number> => {
  if (argv[0] === '--help') {
    io.stdout.write(`${benchHelp()}\n`);
    return 0;
  }
  const pkg = deps.findPackage();
  if (pkg === undefined) throw new RuntimeFailure("cannot find purenet's package.json above this program");
  if (pkg.scripts.bench === undefined) throw new RuntimeFailure(`this purenet (${pkg.root}) has no bench script; benchmarks run from a source checkout`);
  const passThrough = argv[0] === '--' ? argv.slice(1) : argv;
  return deps.run('npm', ['run', 'bench', ...(passThrough.length === 0 ? [] : ['--', ...passThrough])], pkg.root);
};
