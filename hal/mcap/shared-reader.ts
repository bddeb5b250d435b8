/**
 * One pass over an MCAP file for all the devices replayed from it: the devices of a recording that are opened
 * together share one {@link scanMcap} (one read, one CRC check and one zstd decompression of every chunk,
 * streamed chunk by chunk), demultiplexed by channel into one bounded queue per device.
 *
 * Joining: a device opening `path` joins the file's current shared pass while that pass has not yet handed
 * out anything past the head of the file (the records before the first channel or message: header, metadata,
 * attachments); `openMcapSession` and `loadSession` open all their devices before the first read, so they all
 * share one pass. Once a device has read, the pass is sealed and a device opened later (or re-opened) gets a
 * new pass from the start of the file. A pass is keyed by path and file identity (inode, size, mtime), so a
 * file rewritten in place is not mixed up with the old one.
 *
 * Demultiplexing: the pass pulls the next item only while some device is waiting for one and has nothing
 * queued. A message goes to the devices replaying its channel's topic; damage (a chunk or record that does
 * not parse: nobody can tell whose messages it held) goes to every device of the pass; the end goes to all.
 * Each device reads its own queue, so every device sees its items in file order.
 *
 * Back-pressure and its limit ({@link SharedReaderLimits}): a device's queue holds at most `maxQueueMessages`
 * items and `maxQueueBytes` bytes of payload (one item is always accepted when the queue is empty). When an
 * item is due to a device whose queue is full, the pass waits for that device to take one: a slow device
 * slows the pass (and so the other devices) instead of buffering without bound. If the device takes nothing
 * for `stallMs` (it is not being read, e.g. a test reading one device to the end before the next), it is
 * detached: it keeps its queue, leaves the pass (which goes on for the others), and when its queue runs dry it
 * resumes alone with a private scan from the record it had not yet received ({@link ScanResume}), skipping
 * what it already got. No message is ever dropped or repeated; a detached device costs what every device
 * cost before sharing (its own decompression of the rest of the file). A closed device, or one whose window
 * has ended, leaves the pass at once and receives nothing more; when the last device leaves, the file is
 * closed.
 *
 * Memory: at most (devices × the queue bounds) plus the chunk being parsed (`--chunk-size`, 1 MiB by default).
 */
import { stat } from 'node:fs/promises';
import type { McapTypes } from '@mcap/core';
import { scanMcap } from './scan.js';
import type { ScanItem, ScanResume } from './scan.js';

/** Bounds of the per-device queues and the stall after which a device that is not read is detached. */
export interface SharedReaderLimits {
  /** Items (messages and damage) a device's queue holds at most. */
  readonly maxQueueMessages: number;
  /** Payload bytes a device's queue holds at most (a single larger message is accepted on an empty queue). */
  readonly maxQueueBytes: number;
  /** How long the pass waits for a device with a full queue to take an item before detaching it, ms. */
  readonly stallMs: number;
}

export const DEFAULT_SHARED_READER_LIMITS: SharedReaderLimits = Object.freeze({ maxQueueMessages: 1024, maxQueueBytes: 8 * 1024 * 1024, stallMs: 1000 });

/** What a device receives: its messages, damage and the end, in file order. */
export type Delivery = Extract<ScanItem, { readonly type: 'message' | 'damage' | 'end' }>;

/** Counters since the process started (tests and the benchmark use them). */
export interface SharedReaderStats {
  /** Shared passes started (scans of a whole file). */
  readonly passes: number;
  /** Devices that joined a pass. */
  readonly subscriptions: number;
  /** Devices detached from their pass because they were not read (see the module documentation). */
  readonly detached: number;
}

const stats = { passes: 0, subscriptions: 0, detached: 0 };

export function sharedReaderStats(): SharedReaderStats {
  return { ...stats };
}

/** The current (not yet sealed) pass of each path. */
const current = new Map<string, SharedPass>();

/**
 * The pass a device opening `path` joins (see the module documentation); call {@link SharedPass.release} if
 * the device does not subscribe after all. The file system's errors are thrown as they are.
 */
export async function joinPass(path: string, limits: Partial<SharedReaderLimits> = {}): Promise<SharedPass> {
  const st = await stat(path);
  const identity = `${st.dev}:${st.ino}:${st.size}:${st.mtimeMs}`;
  const pass = current.get(path);
  if (pass !== undefined && pass.joinable(identity)) {
    pass.addLease();
    return pass;
  }
  const created = new SharedPass(path, identity, { ...DEFAULT_SHARED_READER_LIMITS, ...limits });
  current.set(path, created);
  return created;
}

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));

interface Position {
  offset: number;
  /** Messages and damage items already pulled at `offset`. */
  count: number;
}

/** One shared pass over a file (see the module documentation). */
export class SharedPass {
  readonly #scan: AsyncGenerator<ScanItem, void, void>;
  readonly #schemas = new Map<number, McapTypes.Schema>();
  readonly #channels = new Map<number, McapTypes.Channel>();
  readonly #subs = new Set<Subscription>();
  /** Channel id → subscriptions of its topic. */
  #routes = new Map<number, Subscription[]>();
  #leases = 1;
  #head: Promise<readonly ScanItem[]> | undefined;
  /** The first item after the head (a channel, message or end), read while reading the head. */
  #boundary: ScanItem | undefined;
  #sealed = false;
  #finished = false;
  #closed = false;
  #running = false;
  #failure: { readonly error: Error } | undefined;
  #at: Position = { offset: -1, count: 0 };

  constructor(
    readonly path: string,
    private readonly identity: string,
    readonly limits: SharedReaderLimits,
  ) {
    this.#scan = scanMcap(path);
    stats.passes += 1;
  }

  joinable(identity: string): boolean {
    return !this.#sealed && !this.#closed && identity === this.identity;
  }

  addLease(): void {
    this.#leases += 1;
  }

  /** Gives up a lease taken by {@link joinPass} without subscribing; the last one closes the file. */
  release(): void {
    this.#leases -= 1;
    if (this.#leases > 0 || this.#closed) return;
    this.#closed = true;
    if (current.get(this.path) === this) current.delete(this.path);
    void this.#scan.return().catch(() => undefined);
  }

  /**
   * The head of the file: header, metadata and damage items before the first channel or message, in file
   * order (attachments are left out). Throws {@link McapFormatError} for a file that is not MCAP.
   */
  head(): Promise<readonly ScanItem[]> {
    this.#head ??= (async () => {
      const items: ScanItem[] = [];
      for (;;) {
        const r = await this.#scan.next();
        if (r.done === true) return items;
        const item = r.value;
        this.#learn(item);
        if (item.type === 'channel' || item.type === 'message' || item.type === 'end') {
          this.#boundary = item;
          return items;
        }
        if (item.type === 'header' || item.type === 'metadata' || item.type === 'damage') items.push(item);
      }
    })();
    return this.#head;
  }

  /**
   * Subscribes to the messages of `topic` (uses the caller's lease); `initial` are items queued first (the
   * head's damage after the device's description). Undefined when the pass is already sealed: join a new one.
   */
  subscribe(topic: string, initial: readonly Delivery[]): Subscription | undefined {
    if (this.#sealed || this.#closed) return undefined;
    const sub = new Subscription(this, topic, initial);
    this.#subs.add(sub);
    stats.subscriptions += 1;
    this.#reroute();
    return sub;
  }

  /** Called by a subscription waiting for an item: runs the pass if it is not running. */
  kick(): void {
    if (this.#failure !== undefined) throw this.#failure.error;
    if (this.#running) return;
    this.#running = true;
    void this.#run();
  }

  /** Called by a subscription that closes or is detached. */
  leave(sub: Subscription): void {
    if (!this.#subs.delete(sub)) return;
    this.#reroute();
    this.release();
  }

  /** Where a detached subscription resumes: the record of the item it missed, with what was known then. */
  resumeAt(at: Position): { resume: ScanResume; skip: number; channelIds: (topic: string) => number[] } {
    const channels = [...this.#channels.values()];
    return {
      resume: { offset: at.offset, schemas: [...this.#schemas.values()], channels },
      skip: at.count,
      channelIds: (topic) => channels.filter((c) => c.topic === topic).map((c) => c.id),
    };
  }

  async #run(): Promise<void> {
    try {
      while (!this.#closed && !this.#finished && [...this.#subs].some((s) => s.waiting)) {
        const item = await this.#pull();
        if (this.#closed) break;
        await this.#route(item);
      }
    } catch (err) {
      const error = asError(err);
      this.#failure = { error };
      for (const s of this.#subs) s.fail(error);
    }
    this.#running = false;
  }

  async #pull(): Promise<ScanItem> {
    if (!this.#sealed) {
      this.#sealed = true;
      if (current.get(this.path) === this) current.delete(this.path);
    }
    const boundary = this.#boundary;
    if (boundary !== undefined) {
      this.#boundary = undefined;
      return boundary;
    }
    const r = await this.#scan.next();
    if (r.done === true) return { type: 'end', complete: false, offset: -1 };
    this.#learn(r.value);
    return r.value;
  }

  async #route(item: ScanItem): Promise<void> {
    if (item.type === 'end') {
      this.#finished = true;
      for (const s of this.#subs) s.push(item);
      return;
    }
    if (item.type !== 'message' && item.type !== 'damage') return;
    const at: Position = item.offset === this.#at.offset ? { offset: item.offset, count: this.#at.count } : { offset: item.offset, count: 0 };
    this.#at = { offset: item.offset, count: at.count + 1 };
    const targets = item.type === 'message' ? (this.#routes.get(item.message.channelId) ?? []) : [...this.#subs];
    for (const sub of targets) await this.#deliver(sub, item, at);
  }

  /** Queues `item` for `sub`, waiting while its queue is full; detaches it after a stall. */
  async #deliver(sub: Subscription, item: Delivery, at: Position): Promise<void> {
    while (sub.full(item)) {
      if (!this.#subs.has(sub)) return;
      if (!(await sub.space(this.limits.stallMs)) && sub.full(item) && this.#subs.has(sub)) {
        stats.detached += 1;
        sub.detach(at);
        return;
      }
    }
    if (this.#subs.has(sub)) sub.push(item);
  }

  #learn(item: ScanItem): void {
    if (item.type === 'schema') this.#schemas.set(item.schema.id, item.schema);
    if (item.type === 'channel') {
      this.#channels.set(item.channel.id, item.channel);
      this.#reroute();
    }
  }

  #reroute(): void {
    const routes = new Map<number, Subscription[]>();
    for (const c of this.#channels.values()) routes.set(c.id, [...this.#subs].filter((s) => s.topic === c.topic));
    this.#routes = routes;
  }
}

interface Waiter {
  readonly resolve: (item: Delivery | undefined) => void;
  readonly reject: (err: Error) => void;
}

/** A device's view of a pass: its queue, then (if detached) its private scan. */
export class Subscription {
  readonly #queue: Delivery[] = [];
  #bytes = 0;
  #waiter: Waiter | undefined;
  /** Resolves the pass's wait for room in this queue. */
  #onSpace: ((took: boolean) => void) | undefined;
  #closed = false;
  #ended = false;
  /** The end of the file, given once the queue is empty (it does not count against the bounds). */
  #end: Delivery | undefined;
  #failure: { readonly error: Error } | undefined;
  #detachedAt: { readonly resume: ScanResume; readonly skip: number; readonly ids: readonly number[] } | undefined;
  #private: { scan: AsyncGenerator<ScanItem, void, void>; offset: number; skip: number; ids: Set<number> } | undefined;

  constructor(
    private readonly pass: SharedPass,
    readonly topic: string,
    initial: readonly Delivery[],
  ) {
    this.#queue.push(...initial);
  }

  /** Messages and damage items in the queue now (bounded by the limits; the end is kept aside). */
  get queued(): number {
    return this.#queue.length;
  }

  /** True while a read waits on the pass. */
  get waiting(): boolean {
    return this.#waiter !== undefined;
  }

  /** Where a detached subscription resumes alone; undefined while it is in the pass. */
  get detachedAt(): { readonly resume: ScanResume; readonly skip: number; readonly ids: readonly number[] } | undefined {
    return this.#detachedAt;
  }

  /** The next item of this device: a message, damage, or the end; undefined after the end or close. */
  async next(): Promise<Delivery | undefined> {
    const queued = this.#queue.shift();
    if (queued !== undefined) {
      if (queued.type === 'message') this.#bytes -= queued.message.data.byteLength;
      const wake = this.#onSpace;
      this.#onSpace = undefined;
      wake?.(true);
      return queued;
    }
    const end = this.#end;
    this.#end = undefined;
    if (end !== undefined && !this.#closed) return end;
    if (this.#closed || this.#ended) return undefined;
    if (this.#failure !== undefined) throw this.#failure.error;
    if (this.#detachedAt !== undefined) return this.#nextPrivate(this.#detachedAt);
    return new Promise<Delivery | undefined>((resolve, reject) => {
      this.#waiter = { resolve, reject };
      try {
        this.pass.kick();
      } catch (err) {
        this.#waiter = undefined;
        reject(asError(err));
      }
    });
  }

  /** Leaves the pass (or closes the private scan); idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue.length = 0;
    this.#bytes = 0;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.resolve(undefined);
    const wake = this.#onSpace;
    this.#onSpace = undefined;
    wake?.(false);
    const scan = this.#private?.scan;
    this.#private = undefined;
    if (this.#detachedAt === undefined) this.pass.leave(this);
    await scan?.return();
  }

  // --- used by the pass ---

  /** True when `item` does not fit in the queue now. */
  full(item: Delivery): boolean {
    if (this.#waiter !== undefined || this.#queue.length === 0 || item.type === 'end') return false;
    const size = item.type === 'message' ? item.message.data.byteLength : 0;
    return this.#queue.length >= this.pass.limits.maxQueueMessages || this.#bytes + size > this.pass.limits.maxQueueBytes;
  }

  /** Resolves true when the device takes an item, false after `ms` (or when it closes). */
  space(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#onSpace = undefined;
        resolve(false);
      }, ms);
      this.#onSpace = (took) => {
        clearTimeout(timer);
        resolve(took);
      };
    });
  }

  push(item: Delivery): void {
    if (this.#closed) return;
    if (item.type === 'end') this.#ended = true;
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      this.#waiter = undefined;
      waiter.resolve(item);
      return;
    }
    if (item.type === 'end') this.#end = item;
    else this.#queue.push(item);
    if (item.type === 'message') this.#bytes += item.message.data.byteLength;
  }

  fail(err: Error): void {
    this.#failure = { error: err };
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.reject(err);
  }

  /** Leaves the pass, keeping the queue; reading goes on from `at` alone once the queue is empty. */
  detach(at: Position): void {
    const { resume, skip, channelIds } = this.pass.resumeAt(at);
    this.#detachedAt = { resume, skip, ids: channelIds(this.topic) };
    this.pass.leave(this);
  }

  async #nextPrivate(from: NonNullable<Subscription['detachedAt']>): Promise<Delivery | undefined> {
    if (this.#private === undefined) {
      this.#private = { scan: scanMcap(this.pass.path, from.resume), offset: from.resume.offset, skip: from.skip, ids: new Set(from.ids) };
    }
    const p = this.#private;
    for (;;) {
      const r = await p.scan.next();
      if (this.#closed) return undefined;
      if (r.done === true) {
        this.#ended = true;
        return undefined;
      }
      const item = r.value;
      if (item.type === 'channel' && item.channel.topic === this.topic) p.ids.add(item.channel.id);
      if ((item.type === 'message' || item.type === 'damage') && item.offset === p.offset && p.skip > 0) {
        p.skip -= 1;
        continue;
      }
      if (item.type === 'end') this.#ended = true;
      if (item.type === 'damage' || item.type === 'end' || (item.type === 'message' && p.ids.has(item.message.channelId))) return item;
    }
  }
}
