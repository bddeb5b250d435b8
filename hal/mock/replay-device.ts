/**
 * The life cycle shared by the replay (mock) drivers: `open` / `read` / `close` of {@link Device}, so that
 * each driver only says how to open its recording, decode its next sample and let it go.
 *
 * Behaviour (the contract suite in `test/hal/contract/` checks it for every driver):
 * - `read()` before `open()` throws a {@link DeviceError}; after the end of the recording or after
 *   `close()` it resolves `null`, every time.
 * - Calls are serialised: two `read()`s issued together resolve in capture order; a `close()` waits for the
 *   read in flight.
 * - A {@link SampleError} from the driver passes through and the device stays open (the next `read()` returns
 *   the sample after the bad one). Any other error ends the device: it is rethrown as a {@link DeviceError}
 *   (cause attached) and later reads resolve `null`.
 * - `open()` on an open device does nothing; `open()` after `close()` replays the recording from its start; a
 *   failed `open()` leaves the device unopened (it may be retried).
 * - `close()` is idempotent.
 * Replay drivers never pace themselves: a sample is returned as soon as it is decoded.
 */
import { DeviceError, SampleError } from '../types.js';
import type { Device, DeviceInfo } from '../types.js';

type State = 'new' | 'open' | 'ended' | 'closed';

/** Base class of the replay drivers: subclasses implement `openSource`, `readSample` and `closeSource`. */
export abstract class ReplayDevice<TInfo extends DeviceInfo, TSample> implements Device<TInfo, TSample> {
  #info: TInfo;
  #state: State = 'new';
  /** True between the start of `openSource()` and the matching `closeSource()`. */
  #held = false;
  #queue: Promise<unknown> = Promise.resolve();

  /** @param info what is known before `open()` (sizes and rates are filled in by {@link openSource}). */
  protected constructor(info: TInfo) {
    this.#info = info;
  }

  /** The device description; fields read from the recording (size, rate) are valid after `open()`. */
  get info(): TInfo {
    return this.#info;
  }

  /** Opens the recording; throws {@link DeviceError} naming the device and the path when it is unusable. */
  open(): Promise<void> {
    return this.#serial(async () => {
      if (this.#state === 'open' || this.#state === 'ended') return;
      try {
        this.#held = true;
        this.#info = await this.openSource();
        this.#state = 'open';
      } catch (err) {
        await this.#release();
        this.#state = 'new';
        throw asDeviceError(this.#info.id, err, `cannot open ${this.#info.source}`);
      }
    });
  }

  /** Next sample in capture order, or `null` at the end; see the class documentation for errors. */
  read(): Promise<TSample | null> {
    return this.#serial(async () => {
      if (this.#state === 'new') throw new DeviceError(this.#info.id, 'read() before open()');
      if (this.#state !== 'open') return null;
      try {
        const sample = await this.readSample();
        if (sample === null) await this.#end();
        return sample;
      } catch (err) {
        if (err instanceof SampleError) throw err;
        await this.#end();
        throw asDeviceError(this.#info.id, err, `read failed on ${this.#info.source}`);
      }
    });
  }

  /** Releases the recording (files, child processes). Idempotent. */
  close(): Promise<void> {
    return this.#serial(async () => {
      if (this.#state === 'open' || this.#state === 'ended') await this.#release();
      if (this.#state !== 'new') this.#state = 'closed';
    });
  }

  /** Opens the recording and returns the full device description. Throw a {@link DeviceError} when unusable. */
  protected abstract openSource(): Promise<TInfo>;

  /** Decodes the next sample; `null` at the end. Throw a {@link SampleError} for one bad sample. */
  protected abstract readSample(): Promise<TSample | null>;

  /** Releases what {@link openSource} acquired, once per open; must tolerate a half-done open. */
  protected abstract closeSource(): Promise<void>;

  async #end(): Promise<void> {
    this.#state = 'ended';
    await this.#release();
  }

  async #release(): Promise<void> {
    if (!this.#held) return;
    this.#held = false;
    try {
      await this.closeSource();
    } catch {
      // Releasing a replayed file or a child process cannot fail in a way the caller could act on.
    }
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

/** `err` as a {@link DeviceError} of device `id`, prefixed with `context` unless it already is one. */
function asDeviceError(id: string, err: unknown, context: string): DeviceError {
  if (err instanceof DeviceError) return err;
  const reason = err instanceof Error ? err.message : String(err);
  return new DeviceError(id, `${context}: ${reason}`, { cause: err });
}
