/**
 * Records an opened session to an MCAP file (`hal/mcap/writer.ts`): every sample of the chosen devices inside
 * the session span `[0, end]` (session time; `end` = the session's duration, or `durationS`, whichever is
 * shorter), written in session-time order (ties: device order), so the file replays in the order the runtime
 * would have seen the samples.
 *
 * - Replayed sessions are merged deterministically: each device is read one sample ahead and the earliest
 *   sample is written next. `speed` 0 writes as fast as the devices decode; `speed` > 0 paces the writes at the
 *   recorded timing × speed (as a live rig would produce them).
 * - Sessions with live devices are written in arrival order (a live device cannot be read ahead), until
 *   `durationS` of host time or the stop signal, which close the devices to end their pending reads.
 * A device's bad sample (`SampleError`) is counted in `skipped` and not recorded; a device that fails is
 * counted in `failed` and the others go on. `signal` (Ctrl-C) stops reading and finishes the file
 * (summary and footer); a crash loses at most the open chunk (see the writer).
 */
import { readFile } from 'node:fs/promises';
import type { Session, SessionDevice } from '../../hal/session/index.js';
import { McapRecordingWriter } from '../../hal/mcap/writer.js';
import type { McapRecordingOptions, WriterStats } from '../../hal/mcap/writer.js';
import type { AnySample } from '../../hal/mcap/codec.js';
import { clockOf } from '../../hal/drivers.js';
import { SampleError } from '../../hal/types.js';
import { selectDevices } from './topics.js';

export interface RecordOptions extends McapRecordingOptions {
  readonly out: string;
  /** Device ids or topics, with `*` / `?` globs (`imu*`, `/cam0`); default all. */
  readonly topics?: readonly string[];
  /** Stop after this much session time (replay) or host time (live), s. */
  readonly durationS?: number;
  /** Replay pacing: 0 = as fast as possible (default), 1 = recorded timing. */
  readonly speed?: number;
  /** Stops the recording; the file is finished normally. */
  readonly signal?: AbortSignal;
  /** Called after every message and at the end. */
  readonly onProgress?: (progress: RecordProgress) => void;
}

export interface RecordProgress extends WriterStats {
  /** Session time of the last sample written, ns. */
  readonly sessionNs: number;
  readonly done: boolean;
}

export interface RecordSummary extends WriterStats {
  readonly out: string;
  readonly devices: readonly string[];
  /** Messages per device. */
  readonly perDevice: Readonly<Record<string, number>>;
  readonly skipped: number;
  readonly failed: readonly string[];
  /** True when stopped by the signal before the end. */
  readonly stopped: boolean;
  readonly sessionNs: number;
}

interface Timed {
  readonly sample: AnySample;
  /** Session time, ns. */
  readonly tNs: number;
}

interface Head {
  readonly entry: SessionDevice;
  next: Promise<Timed | null>;
}

/** Records `session` to `options.out` (see the module documentation). Replayed devices are not closed here. */
export async function recordSession(session: Session, options: RecordOptions): Promise<RecordSummary> {
  const devices = selectDevices(session.devices, options.topics);
  const writer = await McapRecordingWriter.create(
    options.out,
    {
      name: session.name,
      ...(session.description === undefined ? {} : { description: session.description }),
      startNs: session.startNs,
      ...(endNs(session, options) === Number.POSITIVE_INFINITY ? {} : { durationNs: BigInt(endNs(session, options)) }),
      source: session.manifestPath ?? session.rootDir,
    },
    options,
  );
  const perDevice: Record<string, number> = {};
  const state = { skipped: 0, failed: [] as string[], sessionNs: 0 };
  try {
    for (const d of devices) {
      await writer.addDevice({ info: d.device.info, clock: clockOf(d.config), offsetS: d.config.offsetS });
      perDevice[d.device.info.id] = 0;
    }
    if (session.manifestPath !== undefined) await writer.attach('session.toml', 'application/toml', await readFile(session.manifestPath));
    const write = async (d: SessionDevice, sample: AnySample, tNs: number): Promise<void> => {
      await writer.write(d.device.info.id, sample, tNs);
      perDevice[d.device.info.id] = (perDevice[d.device.info.id] ?? 0) + 1;
      state.sessionNs = Math.max(state.sessionNs, tNs);
      options.onProgress?.({ ...writer.stats, sessionNs: state.sessionNs, done: false });
    };
    if (devices.every((d) => d.device.info.replay)) await mergeReplay(devices, session, options, state, write);
    else await arrivalOrder(devices, options, state, write);
  } finally {
    await writer.close();
  }
  const stats = writer.stats;
  options.onProgress?.({ ...stats, sessionNs: state.sessionNs, done: true });
  return {
    ...stats,
    out: options.out,
    devices: devices.map((d) => d.device.info.id),
    perDevice,
    skipped: state.skipped,
    failed: state.failed,
    stopped: options.signal?.aborted === true,
    sessionNs: state.sessionNs,
  };
}

type Write = (d: SessionDevice, sample: AnySample, tNs: number) => Promise<void>;
type State = { skipped: number; failed: string[]; sessionNs: number };

/** Session-time end of the recording, ns (∞ when neither the session nor the options bound it). */
function endNs(session: Session, options: RecordOptions): number {
  const byOption = options.durationS === undefined ? Number.POSITIVE_INFINITY : Math.round(options.durationS * 1e9);
  return Math.min(session.durationNs ?? Number.POSITIVE_INFINITY, byOption);
}

async function mergeReplay(devices: readonly SessionDevice[], session: Session, options: RecordOptions, state: State, write: Write): Promise<void> {
  const end = endNs(session, options);
  const read = async (entry: SessionDevice): Promise<Timed | null> => {
    for (;;) {
      let sample: AnySample | null;
      try {
        sample = (await entry.device.read());
      } catch (err) {
        if (err instanceof SampleError) {
          state.skipped += 1;
          continue;
        }
        state.failed.push(`${entry.device.info.id}: ${err instanceof Error ? err.message : String(err)}`);
        return null;
      }
      if (sample === null) return null;
      const tNs = entry.toSessionNs(sample.deviceTimeNs);
      if (tNs < 0) continue;
      return tNs > end ? null : { sample, tNs };
    }
  };
  let heads: Head[] = devices.map((entry) => ({ entry, next: read(entry) }));
  const startHostNs = process.hrtime.bigint();
  const speed = options.speed ?? 0;
  while (heads.length > 0 && options.signal?.aborted !== true) {
    const results = await Promise.all(heads.map((h) => h.next));
    const live = heads.flatMap((head, i) => {
      const r = results[i];
      return r === null || r === undefined ? [] : [{ head, r }];
    });
    heads = live.map((x) => x.head);
    let best = live[0];
    if (best === undefined) break;
    for (const x of live) if (x.r.tNs < best.r.tNs) best = x; // strict: ties go to the earlier device
    if (speed > 0) await paceTo(startHostNs, best.r.tNs / speed, options.signal);
    if (isAborted(options.signal)) break;
    await write(best.head.entry, best.r.sample, best.r.tNs);
    best.head.next = read(best.head.entry);
  }
}

async function arrivalOrder(devices: readonly SessionDevice[], options: RecordOptions, state: State, write: Write): Promise<void> {
  const stopAt = options.durationS === undefined ? undefined : process.hrtime.bigint() + BigInt(Math.round(options.durationS * 1e9));
  let queue = Promise.resolve();
  const timeUp = (): boolean => options.signal?.aborted === true || (stopAt !== undefined && process.hrtime.bigint() >= stopAt);
  const stopTimer = stopAt === undefined ? undefined : setTimeout(() => void Promise.all(devices.map((d) => d.device.close())), Number(stopAt - process.hrtime.bigint()) / 1e6);
  const onAbort = (): void => void Promise.all(devices.map((d) => d.device.close()));
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await Promise.all(
      devices.map(async (d) => {
        while (!timeUp()) {
          let sample: AnySample | null;
          try {
            sample = (await d.device.read());
          } catch (err) {
            if (err instanceof SampleError) {
              state.skipped += 1;
              continue;
            }
            state.failed.push(`${d.device.info.id}: ${err instanceof Error ? err.message : String(err)}`);
            return;
          }
          if (sample === null || timeUp()) return;
          const s = sample;
          queue = queue.then(() => write(d, s, d.toSessionNs(s.deviceTimeNs)));
          await queue;
        }
      }),
    );
  } finally {
    if (stopTimer !== undefined) clearTimeout(stopTimer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

async function paceTo(startHostNs: bigint, dueNs: number, signal: AbortSignal | undefined): Promise<void> {
  const waitMs = (dueNs - Number(process.hrtime.bigint() - startHostNs)) / 1e6;
  if (waitMs <= 0 || signal?.aborted === true) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, waitMs);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
