/**
 * The {@link Metronome} as the tick loop's {@link TickTimer}: ticks on absolute host-clock deadlines from a
 * metronome thread (clock_nanosleep through the karana_hal addon, Atomics.wait without it).
 */
import { Metronome } from './metronome.js';
import type { TickTimer } from './loop.js';

export interface MetronomeTimerOptions {
  /** SCHED_FIFO priority for the metronome thread (1–99); needs CAP_SYS_NICE (docs/realtime.md). */
  readonly priority: number;
  readonly cpus?: readonly number[];
}

export function metronomeTimer(realtime?: MetronomeTimerOptions): TickTimer {
  let metronome: Metronome | null = null;
  return {
    async start(periodHostNs, startHostNs, onTick) {
      metronome = new Metronome({
        periodNs: Math.round(periodHostNs),
        onTick: (t) => onTick({ tick: t.tick, lateByNs: t.lateByNs }),
        ...(realtime === undefined ? {} : { realtime: { priority: realtime.priority, ...(realtime.cpus === undefined ? {} : { cpus: realtime.cpus }) } }),
      });
      await metronome.start(startHostNs);
    },
    async stop() {
      await metronome?.stop();
    },
    skipped: () => metronome?.stats().skipped ?? 0,
  };
}
