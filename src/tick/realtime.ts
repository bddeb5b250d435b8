/**
 * Real-time set-up of the tick loop's threads (real clock only): the metronome thread gets SCHED_FIFO at
 * `priority`, the thread that runs the tick callbacks (this, the main thread) one below it, and both may
 * be pinned to CPUs. Not being allowed (no CAP_SYS_NICE, no addon, not Linux) is not an error: the loop
 * runs at normal priority and the reason is reported (docs/realtime.md).
 */
import { pinCallingThread, type PinnedThread } from '../../hal/native/index.js';
import { errorMessage } from './work.js';
import type { MetronomeTimerOptions } from './metronome-timer.js';

export interface RealtimeRequest {
  /** SCHED_FIFO priority of the metronome thread, 2–99; 0 = do not ask. */
  readonly priority: number;
  readonly cpus?: readonly number[];
}

export interface RealtimeSetup {
  /** What the metronome thread should be given, or undefined to leave it at normal priority. */
  readonly metronome: MetronomeTimerOptions | undefined;
  /** Undo what was done to the calling thread. */
  restore(): void;
  /** One line for the log: what was applied, or why not. */
  readonly summary: string;
}

export function setUpRealtime(request: RealtimeRequest): RealtimeSetup {
  if (request.priority <= 0) return { metronome: undefined, restore: () => undefined, summary: 'real-time scheduling off (--rt-priority 0)' };
  const mainPriority = Math.max(1, request.priority - 1);
  let pinned: PinnedThread;
  try {
    pinned = pinCallingThread({ priority: mainPriority, ...(request.cpus === undefined ? {} : { cpus: request.cpus }) });
  } catch (err) {
    return { metronome: undefined, restore: () => undefined, summary: `real-time scheduling not applied, ticks at normal priority: ${errorMessage(err).split('\n')[0] ?? ''}` };
  }
  return {
    metronome: { priority: request.priority, ...(request.cpus === undefined ? {} : { cpus: request.cpus }) },
    restore: () => pinned.restore(),
    summary: `real-time scheduling: metronome SCHED_FIFO ${request.priority}, tick thread ${pinned.scheduler.policy.toUpperCase()} ${pinned.scheduler.priority} on CPUs ${pinned.cpus.join(',')}`,
  };
}
