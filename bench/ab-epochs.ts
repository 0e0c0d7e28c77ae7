/**
 * A/B of whole training epochs between two builds, alternating their runs so that the machine's
 * drift (this project's machine is a VM on a shared host: ±15–25% within an hour) falls on both
 * alike. Each run is `bench/epochs-child.js` of one build in a process of its own; the first
 * epoch of each run is dropped as warm-up. Even so, changes under ~5% do not show here; judge
 * those with a microbenchmark of the code they touch, alternated across processes the same way.
 *
 * usage: node [NODE_FLAGS] dist/bench/ab-epochs.js [--rounds N] [--threads N] [--epochs N] BUILD_A BUILD_B
 *   (node flags such as --single-threaded-gc pass on to both builds' runs)
 *   where a BUILD is the root of a `tsc -p tsconfig.build.json` output (the folder holding
 *   bench/epochs-child.js), e.g. a copy of dist/ made before a change. Keep the copies inside
 *   the project, so that they resolve its node_modules.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { median } from './lecture.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const builds = args.filter((arg, i) => !arg.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--')));
if (builds.length !== 2) {
  process.stderr.write('ab-epochs: expected two build folders (each holding bench/epochs-child.js), got ' + `${builds.length}: ${builds.join(' ')}\n`);
  process.exit(2);
}
const children = builds.map((build) => join(resolve(build), 'bench', 'epochs-child.js'));
for (const child of children) {
  if (!existsSync(child)) {
    process.stderr.write(`ab-epochs: expected a build folder holding bench/epochs-child.js, got no ${child}\n`);
    process.exit(2);
  }
}
const rounds = Number(flag('rounds', '6'));
const threads = flag('threads', '2');
const epochs = flag('epochs', '3');

const samples: number[][] = [[], []];
for (let round = 0; round < rounds; round++) {
  children.forEach((child, which) => {
    const run = spawnSync(process.execPath, [...process.execArgv, child, '--threads', threads, '--epochs', epochs], { encoding: 'utf8', maxBuffer: 16 * 2 ** 20 });
    if (run.status !== 0) throw new Error(`ab-epochs: ${child} failed: ${(run.stderr || run.error?.message || '').trim()}`);
    const timing = JSON.parse(run.stdout.trim().split('\n').slice(-1)[0]) as { epochSeconds: number[] };
    samples[which].push(...timing.epochSeconds.slice(1));
  });
}
builds.forEach((build, which) => {
  const xs = samples[which];
  process.stdout.write(`${build}: median ${median(xs).toFixed(4)} s/epoch, min ${Math.min(...xs).toFixed(4)} (${xs.length} epochs, ${threads} thread(s))\n`);
});
process.stdout.write(`B / A = ${(median(samples[1]) / median(samples[0])).toFixed(3)}\n`);
