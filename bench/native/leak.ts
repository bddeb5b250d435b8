/**
 * Leak check of the native kernels: each kernel is called 10⁶ times (fewer with `quick`) on small real
 * inputs; the process RSS after a warm-up of 10 % of the calls is compared with the RSS at the end.
 * Kept: growth in % per kernel. Target (issue 3): within 5 %. (After snappy's `memory-leak-detect.mjs`.)
 */
import type { Figure } from '../harness.js';
import type { LeakCase } from './types.js';

export interface LeakFigure {
  readonly calls: number;
  readonly rssStartBytes: number;
  readonly rssEndBytes: number;
  readonly growthPct: number;
}

export async function leakCheck(name: string, call: LeakCase, calls: number): Promise<LeakFigure> {
  const warmup = Math.max(1, Math.round(calls / 10));
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < warmup; i += 1) await call();
  gc?.();
  const start = process.memoryUsage.rss();
  for (let i = warmup; i < calls; i += 1) {
    const r = call();
    if (r instanceof Promise) await r;
  }
  gc?.();
  const end = process.memoryUsage.rss();
  return { calls, rssStartBytes: start, rssEndBytes: end, growthPct: ((end - start) / start) * 100 };
}

export function leakFigures(name: string, f: LeakFigure): Record<string, Figure> {
  return {
    [`leak.${name}.rssGrowth`]: { value: f.growthPct, unit: `% over ${f.calls} calls` },
    [`leak.${name}.rssEnd`]: { value: f.rssEndBytes / 2 ** 20, unit: 'MiB' },
  };
}
