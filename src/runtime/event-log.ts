/**
 * The event log: every bus event, in delivery order, one JSON object per line:
 * `{"seq":…,"tNs":…,"topic":"…","payload":…}` with the topic's log form of the payload (typed arrays as
 * arrays, frames as metadata). With the virtual clock the same session gives the same file, byte for byte.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Subscription } from 'rxjs';
import type { AnyEnvelope, Bus } from '../bus/bus.js';

export class EventLog {
  private readonly out: WriteStream;
  private readonly sub: Subscription;
  private lines = 0;
  private failure: Error | null = null;

  /** Start logging `bus` to `path` (created or truncated). Write errors are kept and raised by `close()`. */
  constructor(bus: Bus, readonly path: string) {
    this.out = createWriteStream(path);
    this.out.on('error', (err) => (this.failure ??= err));
    this.sub = bus.all$.subscribe((e) => {
      this.lines += 1;
      this.out.write(`${formatEvent(bus, e)}\n`);
    });
  }

  get count(): number {
    return this.lines;
  }

  /** Stop logging and flush the file. Throws the first write error, naming the file. */
  async close(): Promise<void> {
    this.sub.unsubscribe();
    await new Promise<void>((resolve) => this.out.end(resolve));
    if (this.failure !== null) throw new Error(`event log ${this.path}: ${this.failure.message}`, { cause: this.failure });
  }
}

/** One log line (without the newline). */
export function formatEvent(bus: Bus, e: AnyEnvelope): string {
  const spec = bus.spec(e.topic) as { toLog?: (p: unknown) => unknown };
  const payload = spec.toLog !== undefined ? spec.toLog(e.payload) : e.payload;
  return JSON.stringify({ seq: e.seq, tNs: e.publishedNs, topic: e.topic, payload }, jsonReplacer);
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  if (typeof value === 'bigint') return value.toString();
  return value;
}
