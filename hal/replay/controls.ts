/**
 * Replay controls for any session of replay drivers (EuRoC, MCAP, video, WAV, traces): start offset, loop,
 * and pause/resume (`controller.ts`), applied at the session level so every driver gets them — the session's
 * devices are wrapped, the runtime and the ingest see an ordinary {@link Session}. Speed stays the runtime's
 * (`karana run --speed`).
 *
 * - `startS`: samples before this session time are skipped (read and dropped: drivers need no seeking), and
 *   session time is re-based so the replay starts at 0 there. The session duration shrinks to match.
 * - `loop`: the session is replayed `loop` times (`true`: forever; 1 = once). Loop k (0-based) replays the
 *   span `[startS, duration]` again, each device reopened (replay drivers restart their recording), with every
 *   stamp moved `k · periodNs` later, `periodNs = duration − startS + loopGapS` (default gap 50 ms): device
 *   clocks keep increasing across loops, as the time-sync estimators and the ingest need. Looping needs a
 *   session with a duration.
 * - `controller`: pause/resume.
 *
 * Errors: RangeError for a negative or non-finite start, a start past the session's end, a bad loop count,
 * or a loop without a session duration.
 */
import type { Session, SessionDevice } from '../session/index.js';
import type { AnyDevice, Device, DeviceInfo } from '../types.js';
import type { ReplayController } from './controller.js';

export interface ReplayControlOptions {
  /** Start this far into the session, s (default 0). */
  readonly startS?: number;
  /** Times to replay the session (`true`: forever; default 1). */
  readonly loop?: number | boolean;
  /** Gap between the end of one loop and the start of the next, s (default 0.05). */
  readonly loopGapS?: number;
  readonly controller?: ReplayController;
}

interface Plan {
  readonly startNs: number;
  /** Last session time replayed per loop, ns (unbounded without a duration). */
  readonly endNs: number;
  readonly periodNs: number;
  readonly loops: number;
  readonly controller: ReplayController | undefined;
}

type Stamped = { readonly deviceTimeNs: bigint };

/** `session` with the controls applied (the same object when there is nothing to apply). */
export function applyReplayControls(session: Session, options: ReplayControlOptions): Session {
  const startS = options.startS ?? 0;
  if (!Number.isFinite(startS) || startS < 0) throw new RangeError(`"start" must be ≥ 0 s, got ${startS}`);
  const loops = options.loop === true ? Number.POSITIVE_INFINITY : options.loop === false || options.loop === undefined ? 1 : options.loop;
  if (!(loops >= 1) || (Number.isFinite(loops) && !Number.isInteger(loops))) throw new RangeError(`"loop" must be a whole number ≥ 1 or true, got ${String(options.loop)}`);
  const startNs = Math.round(startS * 1e9);
  const endNs = session.durationNs ?? Number.POSITIVE_INFINITY;
  if (startNs > endNs) throw new RangeError(`"start" ${startS} s is past the end of session "${session.name}" (${(endNs / 1e9).toFixed(3)} s)`);
  if (loops > 1 && session.durationNs === undefined) throw new RangeError(`"loop" needs a session with a duration; session "${session.name}" has none`);
  if (startNs === 0 && loops === 1 && options.controller === undefined) return session;
  const periodNs = endNs - startNs + Math.round((options.loopGapS ?? 0.05) * 1e9);
  const plan: Plan = { startNs, endNs, periodNs, loops, controller: options.controller };
  const spanNs = endNs - startNs;
  const durationNs = Number.isFinite(loops) && Number.isFinite(spanNs) ? (loops - 1) * periodNs + spanNs : undefined;
  const devices = session.devices.map((entry) => controlled(entry, plan));
  const { durationNs: _old, ...rest } = session;
  return { ...rest, ...(durationNs === undefined ? {} : { durationNs }), devices };
}

function controlled(entry: SessionDevice, plan: Plan): SessionDevice {
  const device = new ControlledDevice(entry, plan) as unknown as AnyDevice;
  const toSessionNs = (deviceTimeNs: bigint): number => {
    const t = entry.toSessionNs(deviceTimeNs) - plan.startNs;
    return plan.controller === undefined ? t : t + plan.controller.shiftNs(t);
  };
  return { ...entry, device, toSessionNs };
}

/** One device of a controlled session (see the module documentation). */
class ControlledDevice<TInfo extends DeviceInfo, TSample extends Stamped> implements Device<TInfo, TSample> {
  readonly #inner: Device<TInfo, TSample>;
  #loop = 0;
  #closed = false;

  constructor(
    private readonly entry: SessionDevice,
    private readonly plan: Plan,
  ) {
    this.#inner = entry.device as unknown as Device<TInfo, TSample>;
  }

  get info(): TInfo {
    return this.#inner.info;
  }

  async open(): Promise<void> {
    this.#closed = false;
    this.#loop = 0;
    await this.#inner.open();
  }

  async read(): Promise<TSample | null> {
    for (;;) {
      await this.plan.controller?.whenRunning();
      if (this.#closed) return null;
      const sample = await this.#inner.read(); // a SampleError passes through; the next read goes on
      if (sample !== null) {
        const t = this.entry.toSessionNs(sample.deviceTimeNs);
        if (t < this.plan.startNs) continue;
        if (t <= this.plan.endNs) return this.#loop === 0 ? sample : { ...sample, deviceTimeNs: sample.deviceTimeNs + BigInt(this.#loop * this.plan.periodNs) };
      }
      if (!(await this.#nextLoop())) return null;
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#inner.close();
  }

  /** Starts the next loop (reopens the device); false when the last loop is over. */
  async #nextLoop(): Promise<boolean> {
    if (this.#closed || this.#loop + 1 >= this.plan.loops) return false;
    this.#loop += 1;
    await this.#inner.close();
    await this.#inner.open();
    return true;
  }
}
