/**
 * The thread pool's driver, emitted as wasm so the calling thread and every worker run the very
 * same code over one shared memory. A job is a list of tasks claimed with one atomic counter:
 * first the pack tasks (a kc block × 64 columns of op(B) into the shared packed B), then the row
 * tasks (a block of rows of C, from a schedule the caller writes: for each kc block in order,
 * pack A into the thread's own buffer and sweep the tiles). Each row task's k blocks run in the same order as in the single-thread kernel, so
 * every element of C sees the same operations whoever computes it: results do not depend on the
 * thread count.
 *
 * Protocol (all on i32 words of the control block, sequentially consistent):
 * - `job` is odd while a job is open, even when closed. A worker waits for an odd value it has not
 *   served, joins by incrementing `active`, re-checks `job` (the caller may have closed it in the
 *   meantime) and then claims tasks until none are left.
 * - The caller opens the job, claims tasks itself, closes the job and waits for `active` = 0. It
 *   never waits for a worker that has not joined, so a slow or busy worker costs nothing.
 * - A row task needs the packed B block it reads: `ready[p]` counts the finished pack tasks of k
 *   block p; the last one wakes anyone asleep on it. Pack tasks are claimed before any row task,
 *   so a waiting row task always waits on a task a running thread holds (no deadlock).
 *
 * @internal
 */
import {
  Code, type Expr, type FunctionDef, type Local,
  add, and, atomicAdd, atomicLoad, atomicNotify, atomicWait32, call, divU, eq, eqz, get, i32, i64,
  loadF32, loadI32, ltS, minS, mul, ne, or, select, sub, tee,
} from './emit.js';
import { ACCUMULATE, SCRATCH_BYTES } from './kernel.js';

/** Byte offsets in the control block. Counters every thread writes sit on their own cache line. */
export const Control = {
  job: 0,
  stop: 4,
  /** Set (with a wake-up of `active`) by a worker whose bootstrap failed or trapped. */
  failed: 8,
  /** Iterations a worker polls for the next job before it sleeps in `memory.atomic.wait32`. */
  workerSpins: 12,
  /** Iterations a row task polls for its packed B block before sleeping. */
  readySpins: 16,
  /** Workers serving (bumped as `serve` starts). */
  online: 20,
  /** Workers asleep (or about to be) in wait32 on `job`: the caller notifies only if this is > 0. */
  sleepers: 24,
  next: 64,
  active: 128,
  /** Job parameters, written by the caller before it opens the job (all byte addresses/strides). */
  tasks: 192, packTasks: 196, chunks: 200, chunkColumns: 204, k: 208, kcBlock: 212,
  /** Address of the row schedule: row task r covers rows [rowStarts[r], rowStarts[r + 1]). */
  rowStarts: 216, nc: 224, ncRounded: 228, a: 232, b: 236, bias: 240, c: 244, bPack: 248, ready: 252,
  aPackBase: 256, aPackStride: 260, scratchBase: 264, aStrideK: 268, aStrideW: 272, bStrideK: 276,
  bStrideW: 280, finalFlags: 288,
  /**
   * The sparse-rows path (sparse-rows.ts) when `sparse` is 1: row tasks list their rows' non-zeros
   * into the slot's lists and run sparseRows. C and the bias are addressed by byte strides per row
   * and per column of the product as run (Cᵀ is strided); the dense kernel's ldc is `cRow`.
   */
  sparse: 292, listStride: 296, listsBase: 300, listsSlotStride: 304, cRow: 308, cColumn: 312, biasRow: 316, biasColumn: 320,
  /**
   * 1 for an Adam job: each task sweeps one chunk of the parameter (adam.ts's function) with the
   * arguments at `adamArgs` (AdamArgs offsets); 0 for a product.
   */
  kind: 324, adamArgs: 328,
  /**
   * Rows of C computed, one word per slot, each on a cache line of its own (statistics for tests
   * and benchmarks; every row task writes its slot's); the block's last field.
   */
  rowsBySlot: 384,
} as const;

export type ControlField = keyof typeof Control;

/** Size of the control block for a pool of `threads` (slot counters included). */
export const controlBytes = (threads: number): number => Control.rowsBySlot + slotCounterBytes * threads;

/** Bytes between two slots' counters: one cache line. */
export const slotCounterBytes = 64;

/** Positions of the kernels in the module, for `call`. */
export interface KernelIndices {
  readonly gemmBlock: number;
  readonly pack4: number;
  readonly pack8: number;
  readonly csr: number;
  readonly sparseRows: number;
  readonly adam: number;
}

/**
 * An Adam job's arguments, at Control.adamArgs: the byte addresses of g, mu, nu, p and the three
 * results, the sweep's length and chunk in bytes (multiples of 16), then its seven f32 scalars.
 */
export const AdamArgs = { addresses: 0, bytes: 28, chunk: 32, scalars: 36, size: 64 } as const;

/** Builds `work(control, slot)`: claims and runs tasks of the open job until none are left. */
export function workFunction(kernels: KernelIndices): FunctionDef {
  const code = new Code(['i32', 'i32']);
  const control = code.param(0);
  const slot = code.param(1);
  const param = (field: ControlField): Expr => loadI32(get(control), Control[field]);
  const local = (): Local => code.local('i32');
  const [task, tasks, packTasks, aPack, scratch, lists] = [local(), local(), local(), local(), local(), local()];
  const [block, pc, kc, first, width, rows, aRow, cRow, seen, spins] =
    [local(), local(), local(), local(), local(), local(), local(), local(), local(), local()];

  code.set(tasks, param('tasks'));
  code.set(packTasks, param('packTasks'));
  code.set(aPack, add(param('aPackBase'), mul(get(slot), param('aPackStride'))));
  code.set(scratch, add(param('scratchBase'), mul(get(slot), i32(SCRATCH_BYTES))));
  code.set(lists, add(param('listsBase'), mul(get(slot), param('listsSlotStride'))));
  const readyWord = (): Expr => add(param('ready'), mul(get(block), i32(4)));
  const packedBlock = (): Expr => add(param('bPack'), mul(mul(get(pc), param('ncRounded')), i32(4)));
  const blockDepth = (): Expr => minS(param('kcBlock'), sub(param('k'), get(pc)));

  code.whileLoop(ltS(tee(task, atomicAdd(get(control), i32(1), Control.next)), get(tasks)), (job) => job.ifThen(eq(param('kind'), i32(1)), (adam) => {
    // Adam task: chunk `task` of the sweep; every element gets the same operations whoever runs it.
    const args = param('adamArgs');
    adam.set(first, mul(get(task), loadI32(args, AdamArgs.chunk)));
    adam.set(width, minS(loadI32(args, AdamArgs.chunk), sub(loadI32(args, AdamArgs.bytes), get(first))));
    const address = (k: number): Expr => add(loadI32(args, AdamArgs.addresses + 4 * k), get(first));
    adam.emit(call(kernels.adam, ...[0, 1, 2, 3, 4, 5, 6].map(address), get(width),
      ...[0, 1, 2, 3, 4, 5, 6].map((k) => loadF32(args, AdamArgs.scalars + 4 * k))));
  }, (body) => {
    body.ifThen(ltS(get(task), get(packTasks)), (pack) => {
      // Pack task: columns [first, first + width) of k block `block`, into that block's panels.
      pack.set(block, divU(get(task), param('chunks')));
      pack.set(first, mul(sub(get(task), mul(get(block), param('chunks'))), param('chunkColumns')));
      pack.set(pc, mul(get(block), param('kcBlock')));
      pack.set(kc, blockDepth());
      pack.set(width, minS(param('chunkColumns'), sub(param('nc'), get(first))));
      // Panels of columns from `first` start at first·kc·4 bytes (8 floats per k step per panel).
      const packArgs = [
        add(param('b'), add(mul(get(pc), param('bStrideK')), mul(get(first), param('bStrideW')))),
        param('bStrideK'), param('bStrideW'), get(kc), get(width),
        add(packedBlock(), mul(mul(get(first), get(kc)), i32(4))),
      ] as const;
      pack.emit(call(kernels.pack8, ...packArgs));
      pack.ifThen(eq(add(atomicAdd(readyWord(), i32(1)), i32(1)), param('chunks')),
        (last) => last.drop(atomicNotify(readyWord(), i32(-1))));
    }, (row) => {
      // Row task: mc rows of C, k blocks in order, each waiting for its packed B block.
      const rowStart = add(param('rowStarts'), mul(sub(get(task), get(packTasks)), i32(4)));
      row.set(first, loadI32(rowStart));
      row.set(rows, sub(loadI32(rowStart, 4), get(first)));
      const counter = add(get(control), mul(get(slot), i32(slotCounterBytes)));
      row.storeI32(counter, add(loadI32(counter, Control.rowsBySlot), get(rows)), Control.rowsBySlot);
      row.set(aRow, add(param('a'), mul(get(first), param('aStrideW'))));
      row.set(cRow, add(param('c'), mul(get(first), param('cRow'))));
      row.set(pc, i32(0));
      row.set(block, i32(0));
      row.whileLoop(ltS(get(pc), param('k')), (step) => {
        step.set(kc, blockDepth());
        step.set(spins, param('readySpins'));
        step.whileLoop(ltS(tee(seen, atomicLoad(readyWord())), param('chunks')), (wait) => {
          wait.ifThen(ltS(i32(0), get(spins)),
            (spin) => spin.set(spins, sub(get(spins), i32(1))),
            (sleep) => sleep.drop(atomicWait32(readyWord(), get(seen), i64(-1))));
        });
        const flags = or(select(i32(ACCUMULATE), i32(0), ltS(i32(0), get(pc))),
          select(param('finalFlags'), i32(0), eq(add(get(pc), get(kc)), param('k'))));
        const aBlock = add(get(aRow), mul(get(pc), param('aStrideK')));
        step.ifThen(param('sparse'), (sparse) => {
          sparse.emit(call(kernels.csr, aBlock, param('aStrideK'), param('aStrideW'), get(kc), get(rows), get(lists), param('listStride')));
          sparse.emit(call(kernels.sparseRows, get(lists), param('listStride'), get(rows), packedBlock(), param('nc'), get(kc),
            get(cRow), param('cRow'), param('cColumn'), add(param('bias'), mul(get(first), param('biasRow'))), param('biasRow'),
            param('biasColumn'), flags, get(scratch)));
        }, (dense) => {
          dense.emit(call(kernels.pack4, aBlock, param('aStrideK'), param('aStrideW'), get(kc), get(rows), get(aPack)));
          dense.emit(call(kernels.gemmBlock, get(aPack), packedBlock(), get(rows), param('nc'), get(kc), get(cRow),
            param('cRow'), param('bias'), flags, get(scratch)));
        });
        step.set(pc, add(get(pc), param('kcBlock')));
        step.set(block, add(get(block), i32(1)));
      });
    });
  }));
  return { name: 'work', params: code.params, results: [], code };
}

/**
 * Builds `serve(control, slot)`, a worker's whole life: announce itself in `online`, then wait
 * for a job (spinning `workerSpins` polls first, then asleep), join it, work, leave; return once
 * `stop` is set.
 */
export function serveFunction(workIndex: number): FunctionDef {
  const code = new Code(['i32', 'i32']);
  const control = code.param(0);
  const slot = code.param(1);
  const job = code.local('i32');
  const served = code.local('i32');
  const spins = code.local('i32');
  const word = (offset: number): Expr => atomicLoad(get(control), offset);

  code.drop(atomicAdd(get(control), i32(1), Control.online));
  code.whileLoop(i32(1), (life) => {
    life.set(spins, loadI32(get(control), Control.workerSpins));
    const openAndNew = and(and(tee(job, word(Control.job)), i32(1)), ne(get(job), get(served)));
    life.whileLoop(eqz(openAndNew), (wait) => {
      wait.ifThen(word(Control.stop), (stop) => stop.ret());
      wait.ifThen(ltS(i32(0), get(spins)),
        (spin) => spin.set(spins, sub(get(spins), i32(1))),
        (sleep) => {
          // Announce before re-checking `job` in wait32: the caller stores `job` before it reads
          // `sleepers` (both sequentially consistent), so one of the two sees the other.
          sleep.drop(atomicAdd(get(control), i32(1), Control.sleepers));
          sleep.drop(atomicWait32(get(control), get(job), i64(-1), Control.job));
          sleep.drop(atomicAdd(get(control), i32(-1), Control.sleepers));
        });
    });
    life.ifThen(word(Control.stop), (stop) => stop.ret());
    life.set(served, get(job));
    life.drop(atomicAdd(get(control), i32(1), Control.active));
    life.ifThen(eq(word(Control.job), get(job)), (join) => join.emit(call(workIndex, get(control), get(slot))));
    // The last one out wakes the caller, who may be asleep on `active`.
    life.ifThen(eq(atomicAdd(get(control), i32(-1), Control.active), i32(1)),
      (last) => last.drop(atomicNotify(get(control), i32(1), Control.active)));
  });
  return { name: 'serve', params: code.params, results: [], code };
}
