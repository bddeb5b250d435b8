/**
 * Tick lateness of the metronome against the timers a user would pick instead.
 *
 * Lateness = callback start − scheduled deadline, ns, on the consumer (main) thread, hrtime clock; the
 * schedule is deadline(k) = start + k·period. Methods:
 * - `metronome-addon`: worker sleeps with clock_nanosleep (karana_hal), wakes the main thread with
 *   Atomics.notify → Atomics.waitAsync (the default);
 * - `metronome-addon-message`: same sleep, wake by postMessage (to choose the wake mechanism);
 * - `metronome-atomics`: worker sleeps with Atomics.wait (no addon); `…-spin100us`: plus a 100 µs spin;
 * - `metronome-addon-rt`: metronome thread SCHED_FIFO 50; `…-rt-main`: and the main thread SCHED_FIFO 40
 *   (only when this machine permits real-time scheduling);
 * - `setTimeout`: a chain re-armed on absolute deadlines, re-armed again when it fires early (Node timers
 *   can: their loop clock is in whole ms), skipping to the current tick when a period late;
 * - `setInterval`: `setInterval(fn, period ms)`, lateness against the nominal schedule (it drifts; early
 *   calls are counted and recorded as 0).
 * Each at 100 Hz and 1 kHz, idle and under load: sharp decodes one EuRoC MH01 cam0 PNG (752×480) to raw
 * grey every 50 ms (20 Hz, libuv pool) and the main thread sums its pixels in JS (a realistic consumer
 * of frames). CPU is the whole process (worker included), % of one core. The 1-min load average after each
 * run is recorded: other processes on the machine weigh on the tails as much as the method does.
 */
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { pinCallingThread, tryLoadHalNative, type PinnedThread } from '../hal/native/index.js';
import { LatencyHistogram } from '../src/metrics/histogram.js';
import { Metronome, TickGate, type MetronomeOptions } from '../src/tick/metronome.js';
import type { BenchOptions, BenchResult, BenchSuite, Figure } from './harness.js';

const WARMUP_NS = 200_000_000n;

interface RunFigures {
  readonly p50Us: number;
  readonly p99Us: number;
  readonly maxUs: number;
  readonly ticks: number;
  readonly expected: number;
  readonly cpuPct: number;
  readonly early: number;
}

/** Runs one method for `durationNs` after the warm-up: lateness histogram, ticks delivered, early wakes. */
type Method = (periodNs: bigint, durationNs: bigint) => Promise<{ hist: LatencyHistogram; ticks: number; early: number }>;

function metronomeMethod(options: Omit<MetronomeOptions, 'periodNs' | 'onTick'>, pinMain?: number): Method {
  return async (periodNs, durationNs) => {
    const hist = new LatencyHistogram();
    let ticks = 0;
    let finish = (): void => undefined;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const startNs = process.hrtime.bigint() + 100_000_000n;
    const m = new Metronome({
      ...options,
      periodNs,
      onTick: (t) => {
        if (t.deadlineNs >= startNs + WARMUP_NS) {
          hist.record(t.lateByNs);
          ticks += 1;
        }
        if (t.deadlineNs >= startNs + WARMUP_NS + durationNs) finish();
      },
    });
    let pinned: PinnedThread | null = null;
    if (pinMain !== undefined) pinned = pinCallingThread({ priority: pinMain, policy: 'fifo' });
    try {
      await m.start(startNs);
      await done;
      await m.stop();
    } finally {
      pinned?.restore();
    }
    return { hist, ticks, early: 0 }; // the metronome never fires early (asserted in its tests)
  };
}

/** A setTimeout chain on absolute deadlines, with the metronome's skip rule. */
const setTimeoutMethod: Method = (periodNs, durationNs) =>
  new Promise((resolve) => {
    const hist = new LatencyHistogram();
    const gate = new TickGate();
    const startNs = process.hrtime.bigint() + 100_000_000n;
    let ticks = 0;
    let early = 0;
    let next = 0;
    const arm = (): void => {
      const deadline = startNs + BigInt(next) * periodNs;
      setTimeout(fire, Math.max(0, Number(deadline - process.hrtime.bigint()) / 1e6));
    };
    const fire = (): void => {
      const now = process.hrtime.bigint();
      const remainingNs = startNs + BigInt(next) * periodNs - now;
      if (remainingNs > 0n) {
        // Node timers run on a whole-ms loop clock and can fire up to 1 ms early: wait out the rest, which
        // Node rounds up to 1 ms (a delay below 1 becomes 1).
        early += 1;
        setTimeout(fire, Number(remainingNs) / 1e6);
        return;
      }
      const due = gate.admit({ tick: next, deadlineNs: startNs + BigInt(next) * periodNs, periodNs }, now);
      if (due !== null && due.deadlineNs >= startNs + WARMUP_NS) {
        hist.record(Number(now - due.deadlineNs));
        ticks += 1;
      }
      if (due !== null && due.deadlineNs >= startNs + WARMUP_NS + durationNs) return resolve({ hist, ticks, early });
      next = (due?.tick ?? next) + 1;
      arm();
    };
    arm();
  });

/** setInterval(period): lateness of call k against start + k·period (no skipping: drift shows). */
const setIntervalMethod: Method = (periodNs, durationNs) =>
  new Promise((resolve) => {
    const hist = new LatencyHistogram();
    let k = 0;
    let ticks = 0;
    let early = 0;
    const startNs = process.hrtime.bigint() + periodNs;
    const timer = setInterval(() => {
      const deadline = startNs + BigInt(k) * periodNs;
      const lateNs = Number(process.hrtime.bigint() - deadline);
      k += 1;
      if (deadline >= startNs + WARMUP_NS) {
        hist.record(lateNs); // an early call records as 0 and is counted
        early += lateNs < 0 ? 1 : 0;
        ticks += 1;
      }
      if (process.hrtime.bigint() >= startNs + WARMUP_NS + durationNs) {
        clearInterval(timer);
        resolve({ hist, ticks, early });
      }
    }, Number(periodNs) / 1e6);
  });

/** Background load: decode a PNG with sharp every 50 ms and sum its pixels on the main thread. */
function startLoad(pngs: readonly string[]): () => Promise<{ frames: number }> {
  let frames = 0;
  let busy: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    const file = pngs[frames % pngs.length] as string;
    busy = sharp(file)
      .greyscale()
      .raw()
      .toBuffer()
      .then((pixels) => {
        let sum = 0;
        for (let i = 0; i < pixels.length; i++) sum += pixels[i] as number;
        frames += sum >= 0 ? 1 : 0;
      });
  }, 50);
  return async () => {
    clearInterval(timer);
    await busy;
    return { frames };
  };
}

function findPngs(options: BenchOptions): string[] {
  const dirs = [
    options.sharedDataDir === undefined ? null : path.resolve(options.rootDir, options.sharedDataDir, 'euroc_mh01_excerpt/mav0/cam0/data'),
    path.resolve(options.rootDir, 'hal/sessions/sample/mav0/cam0/data'),
  ];
  for (const dir of dirs) {
    if (dir === null) continue;
    try {
      const files = readdirSync(dir).filter((f) => f.endsWith('.png')).sort();
      if (files.length > 0) return files.map((f) => path.join(dir, f));
    } catch {
      // not there: try the next one
    }
  }
  return [];
}

/** Can this machine give a thread SCHED_FIFO? (tried on a worker-free probe: the main thread, restored.) */
function realtimePermitted(): boolean {
  try {
    pinCallingThread({ priority: 1 }).restore();
    return true;
  } catch {
    return false;
  }
}

async function measure(method: Method, periodNs: bigint, durationNs: bigint): Promise<RunFigures> {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const { hist, ticks, early } = await method(periodNs, durationNs);
  const cpu = process.cpuUsage(cpu0);
  const wallUs = Number(process.hrtime.bigint() - t0) / 1e3;
  const s = hist.summary();
  return {
    p50Us: s.p50Ns / 1e3,
    p99Us: s.p99Ns / 1e3,
    maxUs: s.maxNs / 1e3,
    ticks,
    expected: Number(durationNs / periodNs),
    cpuPct: (100 * (cpu.user + cpu.system)) / wallUs,
    early,
  };
}

const suite: BenchSuite = {
  name: 'metronome',
  async run(options: BenchOptions): Promise<BenchResult> {
    const durationNs = options.quick ? 1_000_000_000n : 10_000_000_000n;
    const addon = tryLoadHalNative().hal !== null;
    const rt = addon && realtimePermitted();
    const methods: Record<string, Method> = {
      ...(addon
        ? {
            'metronome-addon': metronomeMethod({ sleep: 'addon' }),
            'metronome-addon-message': metronomeMethod({ sleep: 'addon', wake: 'message' }),
          }
        : {}),
      'metronome-atomics': metronomeMethod({ sleep: 'atomics' }),
      'metronome-atomics-spin100us': metronomeMethod({ sleep: 'atomics', spinNs: 100_000 }),
      ...(rt
        ? {
            'metronome-addon-rt': metronomeMethod({ sleep: 'addon', realtime: { priority: 50 } }),
            'metronome-addon-rt-main': metronomeMethod({ sleep: 'addon', realtime: { priority: 50 } }, 40),
          }
        : {}),
      setTimeout: setTimeoutMethod,
      setInterval: setIntervalMethod,
    };
    const pngs = findPngs(options);
    const figures: Record<string, Figure> = {};
    const ratios: Record<string, number> = {};
    const notes: string[] = [
      `addon: ${addon ? 'built' : 'missing'}; real-time scheduling: ${rt ? 'permitted' : 'not permitted'}; ` +
        `${durationNs / 1_000_000n} ms per run after 200 ms warm-up`,
      pngs.length > 0 ? `load: sharp decodes 1 of ${pngs.length} PNGs (${path.dirname(pngs[0] as string)}) every 50 ms, JS sums its pixels` : 'load: no PNGs found; load runs skipped',
    ];
    for (const load of pngs.length > 0 ? ['idle', 'load'] : ['idle']) {
      for (const [rateName, periodNs] of [['100Hz', 10_000_000n], ['1kHz', 1_000_000n]] as const) {
        for (const [name, method] of Object.entries(methods)) {
          const stopLoad = load === 'load' ? startLoad(pngs) : null;
          const f = await measure(method, periodNs, durationNs);
          const loadDone = await stopLoad?.();
          const key = `${load}.${rateName}.${name}`;
          figures[`${key}.p50`] = { value: round(f.p50Us), unit: 'µs' };
          figures[`${key}.p99`] = { value: round(f.p99Us), unit: 'µs' };
          figures[`${key}.max`] = { value: round(f.maxUs), unit: 'µs' };
          figures[`${key}.delivered`] = { value: round(f.ticks / f.expected, 3), unit: 'of expected ticks' };
          figures[`${key}.cpu`] = { value: round(f.cpuPct), unit: '% of a core' };
          if (f.early > 0) figures[`${key}.early`] = { value: f.early, unit: 'timer callbacks before the deadline' };
          if (loadDone !== undefined) figures[`${key}.frames`] = { value: loadDone.frames, unit: 'frames decoded' };
          figures[`${key}.loadavg`] = { value: round(os.loadavg()[0] ?? 0, 2), unit: `1-min load average (${os.availableParallelism()} CPUs)` };
        }
        const base = addon ? 'metronome-addon' : 'metronome-atomics';
        for (const peer of ['setTimeout', 'setInterval', 'metronome-atomics', 'metronome-addon-message']) {
          const a = figures[`${load}.${rateName}.${peer}.p99`]?.value;
          const b = figures[`${load}.${rateName}.${base}.p99`]?.value;
          if (a !== undefined && b !== undefined && b > 0 && peer !== base) ratios[`${load}.${rateName}.p99 ${peer}/${base}`] = round(a / b, 2);
        }
      }
    }
    return { name: 'metronome', description: 'consumer-side tick lateness (callback start − deadline), p50/p99/max, by method, rate and load', figures, ratios, notes };
  },
};

function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export default suite;
