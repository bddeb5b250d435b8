/**
 * One HUD WebSocket client with a keep-latest outbox: one slot per message kind (scene, frame, stats).
 * A message offered while the slot still holds an unsent one replaces it (the old one is dropped and
 * counted). Slots are written to the socket only while it holds fewer than `maxBufferedBytes` unsent
 * bytes, so a client that reads slowly costs at most `maxBufferedBytes` + one message of each kind of
 * memory, and always gets the newest state when it catches up. Sending resumes from the `ws` send
 * callback, which fires once a message has been handed to the kernel.
 */
import type { WebSocket } from 'ws';
import type { HudClientStats, HudMessageKind } from './types.js';

/** Send order when several slots are full: poses (late latching wants the newest at once), then small first. */
const ORDER: readonly HudMessageKind[] = ['pose', 'stats', 'scene', 'frame'];

const zero = (): Record<HudMessageKind, number> => ({ scene: 0, frame: 0, stats: 0, pose: 0 });

/** `WebSocket.OPEN`, `WebSocket.CLOSED`. */
const OPEN = 1;
const CLOSED = 3;

export class HudClient {
  /** Slot key (the kind, or `kind:sub` for kinds with one slot per source or camera) → message. */
  private readonly slots = new Map<string, { readonly kind: HudMessageKind; readonly data: string | Buffer }>();
  private readonly sent = zero();
  private readonly dropped = zero();
  private readonly bytes = zero();

  constructor(
    readonly id: number,
    readonly remote: string,
    private readonly socket: WebSocket,
    private readonly maxBufferedBytes: number,
  ) {}

  /**
   * Queue `data` as the newest message of `kind` in slot `kind` (or `kind:sub`: one slot per pose source,
   * per camera), text for strings, binary for buffers, and send what fits.
   */
  offer(kind: HudMessageKind, data: string | Buffer, sub?: string): void {
    const key = sub === undefined ? kind : `${kind}:${sub}`;
    if (this.slots.has(key)) this.dropped[kind] += 1;
    this.slots.set(key, { kind, data });
    this.pump();
  }

  /** Send a message outside the keep-latest slots (the greeting, clock replies); never dropped. */
  sendNow(data: string): void {
    if (this.socket.readyState === OPEN) this.socket.send(data);
  }

  /** Bytes handed to the socket per kind (payload bytes, without WebSocket framing). */
  bytesSent(): Readonly<Record<HudMessageKind, number>> {
    return { ...this.bytes };
  }

  /**
   * Close with `code` (1001: going away) and wait for the peer's close frame, at most `graceMs`; a peer
   * that does not answer (a stalled reader) is cut off.
   */
  close(code: number, reason: string, graceMs: number): Promise<void> {
    if (this.socket.readyState === CLOSED) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.socket.terminate(), graceMs);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.close(code, reason);
    });
  }

  /** Messages dropped so far, all kinds. */
  droppedTotal(): number {
    return this.dropped.scene + this.dropped.frame + this.dropped.stats + this.dropped.pose;
  }

  stats(): HudClientStats {
    return {
      id: this.id,
      remote: this.remote,
      sent: { ...this.sent },
      dropped: { ...this.dropped },
      bytesSent: { ...this.bytes },
      bufferedBytes: this.socket.bufferedAmount,
    };
  }

  /** Counters as the page's stats panel shows them (`link` of the stats message). */
  linkStats(clients: number): { clients: number; framesSent: number; scenesSent: number; dropped: number } {
    return { clients, framesSent: this.sent.frame, scenesSent: this.sent.scene, dropped: this.droppedTotal() };
  }

  private pump(): void {
    while (this.socket.readyState === OPEN && this.socket.bufferedAmount < this.maxBufferedBytes) {
      const key = this.nextKey();
      if (key === undefined) return;
      const { kind, data } = this.slots.get(key) as { kind: HudMessageKind; data: string | Buffer };
      this.slots.delete(key);
      this.sent[kind] += 1;
      this.bytes[kind] += typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
      this.socket.send(data, { binary: typeof data !== 'string' }, (err) => {
        if (err === undefined || err === null) this.pump();
      });
    }
  }

  /** The first filled slot in {@link ORDER} (slots of one kind in insertion order). */
  private nextKey(): string | undefined {
    for (const kind of ORDER) {
      for (const [key, slot] of this.slots) if (slot.kind === kind) return key;
    }
    return undefined;
  }
}
