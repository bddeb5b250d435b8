/**
 * A serial line fed by an emulator: serialport's `SerialPortMock` (`@serialport/binding-mock`) ports whose
 * received bytes are an encoded recording, delivered in chunks of arbitrary size (as a UART driver hands them
 * over: a frame may be split anywhere), plus what the host writes, for checks and for request/response.
 *
 * Chunk sizes come from a seeded PRNG (mulberry32): the same seed gives the same boundaries, so tests are
 * deterministic. Pacing: `asap` emits one chunk per event-loop turn (`setImmediate`, the reader drains its
 * queue in between), `realtime` emits each block at its recorded time (laptop runs of the `emulator` option).
 */
import { SerialPortMock } from 'serialport';
import type { SerialOpenOptions, SerialPortFactory, SerialPortLike } from '../../../hal/serial/serial-port.js';
import { mulberry32 } from '../../faults/prng.js';

/** Bytes the device sends, with the time it sends them (s from the stream start). */
export interface TimedBlock {
  readonly tS: number;
  readonly bytes: Buffer;
}

export interface SerialEmulatorOptions {
  /** The byte stream, in send order (or a loader of it, called at the first open). */
  readonly blocks: readonly TimedBlock[] | (() => Promise<readonly TimedBlock[]>);
  /** Seed of the chunk-size PRNG. Default 1. */
  readonly seed?: number;
  /** Largest chunk, bytes (chunks are 1..maxChunk). Default 64. */
  readonly maxChunk?: number;
  readonly pace?: 'asap' | 'realtime';
  /** Answer to a host write (e.g. INFO for an INFO_REQUEST), sent before the stream continues. */
  readonly respond?: (written: Buffer) => Buffer | undefined;
}

/** The seeded PRNG of chunk boundaries (never sensor values): the fault injector's. */
export { mulberry32 };

/** The port binding of an opened `SerialPortMock` (binding-mock's `MockPortBinding`). */
type MockPortBinding = Awaited<ReturnType<typeof SerialPortMock.binding.open>>;

let portCounter = 0;

export class SerialEmulator {
  readonly #options: SerialEmulatorOptions;
  /** Everything the host wrote, in order. */
  readonly written: Buffer[] = [];
  /** Bytes delivered to the port so far (all opens). */
  bytesSent = 0;
  #finishedResolve: () => void = () => undefined;
  /** Resolves when the last block has been delivered (per open). */
  finished: Promise<void> = Promise.resolve();

  constructor(options: SerialEmulatorOptions) {
    this.#options = options;
  }

  /** A port factory for a serial driver's `ports` option: each open replays the stream from its start. */
  readonly ports: SerialPortFactory = (options: SerialOpenOptions) => {
    const path = `${options.path}#emulated-${++portCounter}`;
    // The binding SerialPortMock itself uses (the ESM and CJS builds of binding-mock keep separate port tables).
    SerialPortMock.binding.createPort(path, { echo: false, record: false });
    const mock = new SerialPortMock({ path, baudRate: options.baudRate, autoOpen: false });
    this.finished = new Promise((resolve) => (this.#finishedResolve = resolve));
    let binding: MockPortBinding | undefined;
    let stopped = false;
    mock.on('open', () => {
      binding = mock.port;
      if (binding !== undefined) this.#pump(binding, () => stopped, (err) => mock.emit('error', err));
    });
    mock.on('close', () => (stopped = true));
    const wrapped: SerialPortLike = {
      open: (cb) => mock.open(cb),
      write: (data, cb) => {
        this.written.push(Buffer.from(data));
        const answer = this.#options.respond?.(data);
        if (answer !== undefined) this.#answers.push(answer);
        return mock.write(data, cb);
      },
      close: (cb) => mock.close(cb),
      on(event: 'data' | 'error' | 'close', listener: (arg: never) => void) {
        (mock.on as (e: string, l: (arg: never) => void) => unknown).call(mock, event, listener);
        return wrapped;
      },
      removeAllListeners() {
        mock.removeAllListeners();
        return wrapped;
      },
      get isOpen() {
        return mock.isOpen;
      },
    };
    return wrapped;
  };

  #loaded: Promise<readonly TimedBlock[]> | undefined;
  /** Answers to host writes, sent at the next block boundary (a device never splits its own frames). */
  readonly #answers: Buffer[] = [];

  #pump(binding: MockPortBinding, stopped: () => boolean, fail: (err: Error) => void): void {
    const source = this.#options.blocks;
    this.#loaded ??= typeof source === 'function' ? source() : Promise.resolve(source);
    this.#loaded.then(
      (blocks) => this.#stream(blocks, binding, stopped),
      (err: unknown) => {
        fail(new Error(`emulator cannot load its recording: ${err instanceof Error ? err.message : String(err)}`, { cause: err }));
        this.#finishedResolve();
      },
    );
  }

  #stream(blocks: readonly TimedBlock[], binding: MockPortBinding, stopped: () => boolean): void {
    const random = mulberry32(this.#options.seed ?? 1);
    const maxChunk = Math.max(1, this.#options.maxChunk ?? 64);
    const done = this.#finishedResolve;
    const emitChunked = (bytes: Buffer): void => {
      for (let i = 0; i < bytes.length; ) {
        const n = 1 + Math.floor(random() * maxChunk);
        binding.emitData(bytes.subarray(i, i + n));
        this.bytesSent += Math.min(n, bytes.length - i);
        i += n;
      }
    };
    if (this.#options.pace === 'realtime') {
      const t0 = performance.now();
      let next = 0;
      const timer = setInterval(() => {
        if (stopped() || !binding.isOpen) {
          clearInterval(timer);
          return;
        }
        const nowS = (performance.now() - t0) / 1000;
        const due: Buffer[] = [];
        while (next < blocks.length && (blocks[next] as TimedBlock).tS <= nowS) due.push((blocks[next++] as TimedBlock).bytes);
        if (due.length > 0) emitChunked(Buffer.concat(due));
        if (next >= blocks.length) {
          clearInterval(timer);
          done();
        }
      }, 5);
      return;
    }
    const all = Buffer.concat(blocks.map((b) => b.bytes));
    const ends: number[] = [];
    blocks.reduce((end, b) => (ends.push(end + b.bytes.length), end + b.bytes.length), 0);
    let at = 0;
    let boundary = 0;
    const step = (): void => {
      if (stopped() || !binding.isOpen) return;
      while (boundary < ends.length && (ends[boundary] as number) < at) boundary += 1;
      const atBoundary = at === 0 || ends[boundary] === at;
      if (this.#answers.length > 0 && atBoundary) {
        binding.emitData(Buffer.concat(this.#answers.splice(0)));
        setImmediate(step);
        return;
      }
      if (at >= all.length) {
        done();
        if (this.#answers.length > 0) setImmediate(step);
        return;
      }
      let n = 1 + Math.floor(random() * maxChunk);
      if (this.#answers.length > 0) n = Math.min(n, (ends[boundary] ?? all.length) - at);
      binding.emitData(all.subarray(at, at + n));
      this.bytesSent += Math.min(n, all.length - at);
      at += n;
      setImmediate(step);
    };
    setImmediate(step);
  }
}
