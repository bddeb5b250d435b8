/**
 * One camera's frames on their way to the HUD pages: keeps only the newest raw frame, JPEG-encodes it
 * (sharp, `frame-codec.ts`) when no encode is running and someone is listening, and hands the `KHF1` message
 * to `deliver`. Frames superseded before encoding are counted (`skipped`); encode failures are counted and
 * logged, never thrown. The server has one channel for the shown camera and one for the display's
 * background camera (`DisplayProfile.backgroundCameraId`) when it is another camera.
 */
import type { CameraFrameEvent } from '../bus/topics.js';
import { encodeFrameMessage, frameToJpeg, type JpegOptions } from './frame-codec.js';

export interface FrameChannelCounters {
  received: number;
  encoded: number;
  skipped: number;
  encodeErrors: number;
}

export class FrameChannel {
  readonly counters: FrameChannelCounters = { received: 0, encoded: 0, skipped: 0, encodeErrors: 0 };
  /** The newest encoded message (sent to pages that connect later). */
  message: Buffer | null = null;
  private pending: CameraFrameEvent | null = null;
  private encoding = false;
  private closed = false;

  constructor(
    private readonly jpeg: JpegOptions,
    /** Whether anyone listens (no page: nothing is encoded). */
    private readonly listening: () => boolean,
    private readonly deliver: (message: Buffer) => void,
    private readonly onError: (err: unknown, event: CameraFrameEvent) => void,
  ) {}

  /** Whether a frame waits for encoding (then the cached message is older than what will come). */
  get hasPending(): boolean {
    return this.pending !== null;
  }

  /** Keep `event` as the newest frame and encode it when possible. */
  push(event: CameraFrameEvent): void {
    this.counters.received += 1;
    if (this.pending !== null) this.counters.skipped += 1;
    this.pending = event;
    this.encodeNext();
  }

  /** Forget a waiting frame (the channel switched cameras). */
  clearPending(): void {
    this.pending = null;
  }

  /** Encode the newest pending frame unless an encode is running or nobody listens. */
  encodeNext(): void {
    if (this.encoding || this.closed || !this.listening() || this.pending === null) return;
    const event = this.pending;
    this.pending = null;
    this.encoding = true;
    void frameToJpeg(event.frame, this.jpeg)
      .then((jpeg) => {
        this.counters.encoded += 1;
        const message = encodeFrameMessage(
          { deviceId: event.deviceId, role: event.role, seq: event.frame.seq, sourceWidthPx: event.frame.widthPx, sourceHeightPx: event.frame.heightPx, tNs: event.tNs },
          jpeg,
        );
        this.message = message;
        if (!this.closed) this.deliver(message);
      })
      .catch((err: unknown) => {
        this.counters.encodeErrors += 1;
        this.onError(err, event);
      })
      .finally(() => {
        this.encoding = false;
        this.encodeNext();
      });
  }

  close(): void {
    this.closed = true;
  }
}
