/**
 * The backends the property suites run on. Adding a backend is one line in `backendEntries`;
 * one that cannot start here is skipped with its reason printed and listed as a skipped test,
 * never silently. Test files resolve them at load time: `await describeEachBackend(...)`.
 */
import { describe, it } from 'vitest';
import { cpuBackend, gpujsBackend, referenceBackend, type Backend, type GpujsMode } from '../../../src/core/index.js';

export type BackendAvailability = { readonly backend: Backend } | { readonly unavailable: string };

/**
 * How a float32 backend's arithmetic departs from one correct rounding of the float64 result:
 * `ulps` and `atol` for its elementwise math (GPU exp/log/tanh are not correctly rounded; WGSL
 * bounds log's error near 1 absolutely, by 2^-21), and where its sums accumulate (the cpu
 * kernels reduce in float64; GPU kernels reduce in float32).
 */
export interface Float32Profile {
  readonly ulps: number;
  readonly atol: number;
  readonly accumulation: 'float64' | 'float32';
}

export interface BackendEntry {
  readonly name: string;
  readonly make: () => Promise<BackendAvailability>;
  /** Default: correctly rounded, float64 accumulation (the cpu backend's kernels). */
  readonly profile?: Float32Profile;
}

export const exactProfile: Float32Profile = { ulps: 1, atol: 0, accumulation: 'float64' };
/** Measured on webgpu (llvmpipe) and webasm: exp/tanh/erf within ~2 ulps, log near 1 within 2^-21 absolute; float32 sums. */
const gpuProfile: Float32Profile = { ulps: 4, atol: 2 ** -21, accumulation: 'float32' };

const attempt = async (start: () => Backend | Promise<Backend>): Promise<BackendAvailability> => {
  try {
    return { backend: await start() };
  } catch (error) {
    return { unavailable: error instanceof Error ? error.message : String(error) };
  }
};

const gpujs = (mode: GpujsMode): BackendEntry => ({ name: `gpujs (${mode})`, make: () => attempt(() => gpujsBackend({ mode })), profile: gpuProfile });

export const backendEntries: readonly BackendEntry[] = [
  { name: 'reference', make: () => attempt(() => referenceBackend()) },
  { name: 'cpu', make: () => attempt(() => cpuBackend()) },
  { name: 'cpu (js kernels)', make: () => attempt(() => cpuBackend({ kernels: 'js' })) },
  gpujs('webgpu'),
  gpujs('webasm'),
];

/** All entries but the float64 reference: the ones compared against it. */
export const comparedEntries = backendEntries.filter((entry) => entry.name !== 'reference');

/**
 * Registers `body` in a describe block per available backend, and a skipped test (plus a printed
 * line) per unavailable one.
 */
export const describeEachBackend = async (
  title: string,
  body: (backend: Backend, profile: Float32Profile) => void,
  entries: readonly BackendEntry[] = backendEntries,
): Promise<void> => {
  const resolved = await Promise.all(entries.map(async (entry) => ({ entry, availability: await entry.make() })));
  for (const { entry, availability } of resolved) {
    if ('unavailable' in availability) {
      console.warn(`[purenet properties] ${title}: skipping backend '${entry.name}': ${availability.unavailable}`);
      describe(`${title} on ${entry.name}`, () => it.skip(`skipped: ${availability.unavailable}`, () => undefined));
      continue;
    }
    describe(`${title} on ${entry.name} (${availability.backend.description})`, () => body(availability.backend, entry.profile ?? exactProfile));
  }
};
