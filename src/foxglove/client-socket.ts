/**
 * The `IWebSocket` that `FoxgloveServer` (@foxglove/ws-protocol) is given for each client: a `ws` WebSocket with
 * per-client backpressure.
 *
 * Backpressure: before a MESSAGE_DATA frame of a droppable channel goes out, the socket's `bufferedAmount`
 * (bytes `ws` holds that the kernel has not taken) is checked; above `sendBufferLimitBytes` the frame is dropped
 * (drop newest: what is already queued cannot be taken back, and a newer frame of a keep-latest topic follows
 * within one period) and counted for its channel. Lossless channels (logs, commands) and control messages
 * (advertise, status) are always sent. This is what foxglove_bridge does with its `send_buffer_limit` (default
 * 10 MB): it drops the message and warns. `send` takes one argument, so `FoxgloveServer` hands it the header and
 * payload as one buffer (it fragments only for sockets whose `send` takes options).
 * Source: Foxglove WebSocket protocol v1 (github.com/foxglove/ws-protocol/blob/main/docs/spec.md), ws 8
 * (`WebSocket#bufferedAmount`).
 */
import { BinaryOpcode, type IWebSocket } from '@foxglove/ws-protocol';
import { WebSocket, type RawData } from 'ws';

/** Where the bridge counts what one channel sent and dropped. */
export interface ChannelCounters {
  readonly droppable: boolean;
  messages: number;
  bytes: number;
  dropped: number;
}

/** The channel whose message `FoxgloveServer.sendMessage` is sending right now (set around that call). */
export interface SendContext {
  current: ChannelCounters | null;
}

function toArrayBuffer(data: RawData): ArrayBuffer {
  const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
}

export class ClientSocket implements IWebSocket {
  binaryType = 'arraybuffer';
  onerror: ((event: unknown) => void) | null | undefined = null;
  onopen: ((event: unknown) => void) | null | undefined = null;
  onclose: ((event: unknown) => void) | null | undefined = null;
  onmessage: ((event: unknown) => void) | null | undefined = null;
  /** Frames this client did not get because its buffer was full. */
  dropped = 0;

  constructor(
    readonly ws: WebSocket,
    private readonly context: SendContext,
    private readonly sendBufferLimitBytes: number,
  ) {
    ws.on('message', (data: RawData, isBinary: boolean) => this.onmessage?.({ data: isBinary ? toArrayBuffer(data) : Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(toArrayBuffer(data)).toString('utf8') }));
    ws.on('close', (code: number, reason: Buffer) => this.onclose?.({ code, reason: reason.toString('utf8'), wasClean: code === 1000 || code === 1001 }));
    ws.on('error', (err: Error) => this.onerror?.(err));
  }

  get protocol(): string {
    return this.ws.protocol;
  }

  close(): void {
    this.ws.close(1001, 'server closing');
  }

  send(data: string | ArrayBuffer | ArrayBufferView): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    const channel = this.context.current;
    const isMessage = typeof data !== 'string' && channel !== null && firstByte(data) === BinaryOpcode.MESSAGE_DATA;
    if (isMessage && channel.droppable && this.ws.bufferedAmount > this.sendBufferLimitBytes) {
      channel.dropped += 1;
      this.dropped += 1;
      return;
    }
    this.ws.send(data);
    if (isMessage) {
      channel.messages += 1;
      channel.bytes += byteLength(data);
    }
  }
}

function firstByte(data: ArrayBuffer | ArrayBufferView): number | undefined {
  return ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, 1)[0] : new Uint8Array(data, 0, 1)[0];
}

function byteLength(data: ArrayBuffer | ArrayBufferView): number {
  return data.byteLength;
}
