/**
 * Tick lateness while the bundled sample session runs in real time (tracking camera 20 Hz, IMU 200 Hz,
 * world camera 10 Hz with YOLOX-Nano detection on its worker thread, microphone, thermal, battery), at
 * 100 Hz and 1 kHz ticks.
 *
 * Lateness = tick callback start − its deadline, host clock, over every tick (a tick skipped because the
 * loop was over a period late counts with the lateness it had). Peers, in the same run:
 * - `metronome`: the runtime's timer (a worker thread sleeping on absolute deadlines with
 *   clock_nanosleep, waking the tick thread with Atomics), with real-time priority when the machine allows
 *   it (reported), as `karana run` does by default;
 * - `metronomeNormal`: the same at normal priority (`--rt-priority 0`);
 * - `setTimeout`: what a Node user would write: a setTimeout chain re-armed on absolute deadlines.
 * Target (issue 2): p99 < 0.5 ms at both rates.
 */
import { join } from 'node:path';
import { loadSession } from '../hal/session/index.js';
import { madgwickFilter } from '../src/layers/intelligence/madgwick-filter.js';
import { YoloxDetector } from '../src/layers/intelligence/yolox-detector.js';
import { Runtime } from '../src/runtime/runtime.js';
import type { TickTimer } from '../src/tick/loop.js';
import { metronomeTimer } from '../src/tick/metronome-timer.js';
import { setUpRealtime } from '../src/tick/realtime.js';
import type { BenchOptions, BenchResult, BenchSuite, Figure } from './harness.js';

/** A setTimeout chain on absolute deadlines (ms resolution), skipping to the current tick when a period late. */
function setTimeoutTimer(): TickTimer {
  let handle: NodeJS.Timeout | null = null;
  let stopped = false;
  let skipped = 0;
  return {
    async start(periodNs, startNs, onTick) {
      let tick = 0;
      const arm = (): void => {
        if (stopped) return;
        const delayMs = Number(startNs + BigInt(Math.round(tick * periodNs)) - process.hrtime.bigint()) / 1e6;
        handle = setTimeout(fire, Math.max(0, delayMs));
      };
      const fire = (): void => {
        const now = process.hrtime.bigint();
        const deadline = startNs + BigInt(Math.round(tick * periodNs));
        if (now < deadline) return arm(); // Node fired early (ms-granular timers)
        const behind = Math.floor(Number(now - deadline) / periodNs);
        if (behind > 0) {
          skipped += behind;
          tick += behind;
        }
        const due = startNs + BigInt(Math.round(tick * periodNs));
        onTick({ tick, lateByNs: Number(now - due) });
        tick += 1;
        arm();
      };
      arm();
    },
    async stop() {
      stopped = true;
      if (handle !== null) clearTimeout(handle);
    },
    skipped: () => skipped,
  };
}

interface Case {
  readonly p50Us: number;
  readonly p99Us: number;
  readonly maxUs: number;
  readonly skipped: number;
  readonly ticks: number;
}

async function runCase(options: BenchOptions, tickHz: number, timer: TickTimer, seconds: number, detector: YoloxDetector): Promise<Case> {
  const session = await loadSession(join(options.rootDir, 'hal/sessions/sample/session.toml'));
  try {
    const runtime = new Runtime({ session, speed: 1, tickHz, filter: madgwickFilter(), detector, timer });
    const stopAt = setTimeout(() => runtime.stop(), seconds * 1000 + 100);
    const stats = await runtime.run();
    clearTimeout(stopAt);
    const l = stats.lateness ?? { p50Ns: 0, p99Ns: 0, maxNs: 0, count: 0, meanNs: 0 };
    return { p50Us: l.p50Ns / 1e3, p99Us: l.p99Ns / 1e3, maxUs: l.maxNs / 1e3, skipped: stats.skippedTicks, ticks: l.count };
  } finally {
    await session.close();
  }
}

const suite: BenchSuite = {
  name: 'tick',
  async run(options: BenchOptions): Promise<BenchResult> {
    const seconds = options.quick ? 4 : 9.9;
    const detector = await YoloxDetector.load();
    const figures: Record<string, Figure> = {};
    const ratios: Record<string, number> = {};
    const notes: string[] = [];
    try {
      for (const hz of [100, 1000]) {
        const realtime = setUpRealtime({ priority: 20 });
        notes.push(`${hz} Hz: ${realtime.summary}`);
        const rt = await runCase(options, hz, metronomeTimer(realtime.metronome), seconds, detector);
        realtime.restore();
        const normal = await runCase(options, hz, metronomeTimer(), seconds, detector);
        const timeout = await runCase(options, hz, setTimeoutTimer(), seconds, detector);
        for (const [name, c] of Object.entries({ metronome: rt, metronomeNormal: normal, setTimeout: timeout })) {
          figures[`${hz}Hz.${name}.latenessP50`] = { value: c.p50Us, unit: 'µs' };
          figures[`${hz}Hz.${name}.latenessP99`] = { value: c.p99Us, unit: 'µs' };
          figures[`${hz}Hz.${name}.latenessMax`] = { value: c.maxUs, unit: 'µs' };
          figures[`${hz}Hz.${name}.skippedTicks`] = { value: c.skipped, unit: `of ${c.ticks}` };
        }
        ratios[`${hz}Hz p99 setTimeout/metronome`] = timeout.p99Us / Math.max(rt.p99Us, 1e-3);
        ratios[`${hz}Hz p99 metronomeNormal/metronome`] = normal.p99Us / Math.max(rt.p99Us, 1e-3);
      }
    } finally {
      await detector.close();
    }
    return { name: 'tick', description: `tick lateness over ${seconds} s of the sample session in real time, detection on`, figures, ratios, notes };
  },
};

export default suite;
