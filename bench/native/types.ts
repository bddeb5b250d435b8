/**
 * Contract of the native core's benchmark areas (`bench/native/<area>.ts`), run together by
 * `bench/native.bench.ts` (`karana bench native`), in one process, one after the other.
 */
import type { BenchOptions, Figure } from '../harness.js';

/** What the machine can do, measured at the start of the run. */
export interface Machine {
  /** Bytes copied per second by memcpy (`Buffer.copy`) for a working set of `bytes`, best of several runs. */
  memcpyBytesPerS(bytes: number): number;
}

export interface AreaResult {
  readonly figures: Readonly<Record<string, Figure>>;
  readonly ratios: Readonly<Record<string, number>>;
  readonly notes?: readonly string[];
}

/** One kernel call on small real inputs, for the 10⁶-call leak check. */
export type LeakCase = () => unknown;

export interface BenchArea {
  readonly name: string;
  bench(options: BenchOptions, machine: Machine): Promise<AreaResult>;
  /** Kernel name → one call (inputs prepared once, outside the returned function). */
  leakCases(options: BenchOptions): Promise<Readonly<Record<string, LeakCase>>>;
}
