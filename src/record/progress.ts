/**
 * Progress of `karana record` on stderr: on a TTY one line rewritten in place (4 times a second); otherwise
 * (a pipe, a log file) one plain line a second, so logs stay readable. Line:
 * `karana record: 2614 messages, 99.4 MB, 101 chunks, session 9.95 s, 420 msg/s, 16.0 MB/s`.
 */
import type { RecordProgress } from './record.js';

export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

export class ProgressReporter {
  #last: RecordProgress | undefined;
  #lastWriteMs = Number.NEGATIVE_INFINITY;
  readonly #startMs: number;
  readonly #intervalMs: number;

  constructor(
    private readonly out: ProgressStream,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#startMs = now();
    this.#intervalMs = out.isTTY === true ? 250 : 1000;
  }

  /** Records the latest progress; writes a line when the interval has passed (always at the end). */
  update(progress: RecordProgress): void {
    this.#last = progress;
    const t = this.now();
    if (!progress.done && t - this.#lastWriteMs < this.#intervalMs) return;
    this.#lastWriteMs = t;
    const line = formatProgress(progress, (t - this.#startMs) / 1000);
    if (this.out.isTTY === true) this.out.write(`\r\x1b[K${line}${progress.done ? '\n' : ''}`);
    else this.out.write(`${line}\n`);
  }

  get last(): RecordProgress | undefined {
    return this.#last;
  }
}

/** The progress line for `p` after `elapsedS` of wall time. */
export function formatProgress(p: RecordProgress, elapsedS: number): string {
  const s = Math.max(elapsedS, 1e-3);
  return (
    `karana record: ${p.messages} messages, ${(p.bytes / 1e6).toFixed(1)} MB, ${p.chunks} chunks, ` +
    `session ${(p.sessionNs / 1e9).toFixed(2)} s, ${Math.round(p.messages / s)} msg/s, ${(p.bytes / 1e6 / s).toFixed(1)} MB/s${p.done ? ' (done)' : ''}`
  );
}
