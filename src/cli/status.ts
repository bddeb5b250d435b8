/**
 * The live status line of `karana run` (stderr, redrawn 4×/s on a terminal, a line every 5 s otherwise):
 * progress through the recording, camera frames/s, detections/s and tick lateness.
 */
import type { Session } from '../../hal/session/index.js';
import { progressBar as bar } from '../record/progress.js';
import type { Runtime } from '../runtime/runtime.js';

export class StatusLine {
  private timer: NodeJS.Timeout | null = null;
  private lastFrames = 0;
  private lastDetections = 0;
  private lastWallMs = 0;
  private readonly tty = process.stderr.isTTY;

  constructor(
    private readonly runtime: Runtime,
    private readonly session: Session,
  ) {}

  start(): void {
    this.lastWallMs = performance.now();
    this.timer = setInterval(() => this.draw(), this.tty ? 250 : 5000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer === null) return;
    clearInterval(this.timer);
    this.timer = null;
    if (this.tty) process.stderr.write('\r\x1b[2K');
  }

  private draw(): void {
    const now = performance.now();
    const dt = Math.max((now - this.lastWallMs) / 1000, 1e-3);
    const frames = this.runtime.collectors.frames;
    const detections = this.runtime.collectors.detections().frames;
    const fps = (frames - this.lastFrames) / dt;
    const dps = (detections - this.lastDetections) / dt;
    this.lastFrames = frames;
    this.lastDetections = detections;
    this.lastWallMs = now;
    const t = this.runtime.loop.timeNs / 1e9;
    const total = this.session.durationNs === undefined ? null : this.session.durationNs / 1e9;
    const progress = total === null ? `${t.toFixed(1)} s` : `${t.toFixed(1)}/${total.toFixed(1)} s ${bar(t / total)}`;
    const lateness = this.runtime.loop.stats().lateness;
    const late = lateness === null ? 'virtual clock' : `tick late p50 ${(lateness.p50Ns / 1e3).toFixed(0)} µs p99 ${(lateness.p99Ns / 1e3).toFixed(0)} µs`;
    const line = `${progress} | ${fps.toFixed(1)} frames/s | ${dps.toFixed(1)} detections/s | ${late}`;
    process.stderr.write(this.tty ? `\r\x1b[2K${line}` : `${line}\n`);
  }
}
