/**
 * The machine's memory-bandwidth limit as the letterbox targets use it: a kernel that reads R bytes and
 * writes W bytes cannot take less than (R + W) / (2 × memcpy rate), memcpy moving each byte twice (read +
 * write). The rate is measured at the kernel's own working-set size, so caches count as they do for it.
 */
import type { Machine } from './types.js';

function measure(bytes: number): number {
  const n = Math.max(1, Math.round(bytes));
  const src = Buffer.alloc(n, 1);
  const dst = Buffer.alloc(n);
  // Best of many short rounds: a round preempted by another process only loses, so the best one is the
  // machine's rate (a median would let a busy machine lower the floor and flatter the kernels).
  let best = Number.POSITIVE_INFINITY;
  const reps = Math.max(3, Math.min(200, Math.round(2e8 / n)));
  for (let round = 0; round < 25; round += 1) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < reps; i += 1) src.copy(dst);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / reps);
  }
  return n / (best / 1e9);
}

export function createMachine(): Machine {
  const cache = new Map<number, number>();
  return {
    memcpyBytesPerS(bytes) {
      const key = Math.round(bytes);
      let rate = cache.get(key);
      if (rate === undefined) {
        rate = measure(key);
        cache.set(key, rate);
      }
      return rate;
    },
  };
}

/** Lower bound of a kernel's time, ns: (read + written bytes) at twice the memcpy rate. */
export function memoryFloorNs(machine: Machine, readBytes: number, writtenBytes: number): number {
  const rate = machine.memcpyBytesPerS(readBytes + writtenBytes);
  return ((readBytes + writtenBytes) / (2 * rate)) * 1e9;
}
