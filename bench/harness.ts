/**
 * Benchmark suite contract. Each `bench/*.bench.ts` default-exports a {@link BenchSuite}; `karana bench`
 * runs the suites named on its command line (all by default) and prints or writes (`--json`) their results.
 *
 * Rules: compare against the peer a user would pick instead, in the same run, on the same real input
 * (from `../shared/data` or the bundled sample session), and report ratios; timings come from
 * tinybench (`timeTasks`) or from explicit `process.hrtime.bigint()` spans for whole-system figures.
 */
import { Bench } from 'tinybench';

/** One measured figure: a value with its unit. */
export interface Figure {
  readonly value: number;
  readonly unit: string;
}

export interface BenchResult {
  /** Suite name (the file name without `.bench.ts`). */
  readonly name: string;
  /** What was measured, on which input. */
  readonly description: string;
  /** Every figure measured, by name, e.g. `native.opsPerS`. */
  readonly figures: Readonly<Record<string, Figure>>;
  /** Ratios between figures of this run, e.g. `native/sharp` speed-up (>1: ours is faster). */
  readonly ratios: Readonly<Record<string, number>>;
  readonly notes?: readonly string[];
}

export interface BenchOptions {
  /** Shorter runs (CI smoke): fewer iterations, same code paths. */
  readonly quick: boolean;
  /** Repository root (where `hal/sessions/sample` lives). */
  readonly rootDir: string;
  /** `../shared/data` when present, else undefined (suites then use the bundled sample session). */
  readonly sharedDataDir: string | undefined;
}

export interface BenchSuite {
  readonly name: string;
  run(options: BenchOptions): Promise<BenchResult>;
}

export interface TaskTiming {
  readonly name: string;
  /** Mean time per call, ns. */
  readonly meanNs: number;
  readonly p50Ns: number;
  readonly p99Ns: number;
  readonly opsPerS: number;
  readonly samples: number;
}

/**
 * Time each task with tinybench (warm-up included) and return per-call figures in ns.
 * `timeMs` is the measuring time per task (warm-up excluded).
 */
export async function timeTasks(
  tasks: Readonly<Record<string, () => unknown>>,
  options: { readonly timeMs: number; readonly iterations?: number },
): Promise<TaskTiming[]> {
  const bench = new Bench({ time: options.timeMs, iterations: options.iterations ?? 10, warmupTime: Math.min(options.timeMs, 200) });
  for (const [name, fn] of Object.entries(tasks)) bench.add(name, fn);
  await bench.run();
  return bench.tasks.map((task) => {
    const r = task.result;
    if (r === undefined || !('latency' in r)) throw new Error(`benchmark task "${task.name}" did not complete`);
    const msToNs = 1e6;
    return {
      name: task.name,
      meanNs: r.latency.mean * msToNs,
      p50Ns: (r.latency.p50 ?? r.latency.mean) * msToNs,
      p99Ns: (r.latency.p99 ?? r.latency.max) * msToNs,
      opsPerS: r.throughput.mean,
      samples: r.latency.samplesCount,
    };
  });
}

/** Percentile (nearest rank) of unsorted values; 0 for an empty list. */
export function percentile(values: ArrayLike<number>, p: number): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}
