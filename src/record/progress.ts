/**
 * Progress on stderr for long commands.
 * - {@link ProgressReporter}: `karana record`'s line. On a TTY one line rewritten in place (4 times a second);
 *   otherwise (a pipe, a log file) one plain line a second, so logs stay readable. Line:
 *   `karana record: [#########...........] 45% 2614 messages, 99.4 MB, 101 chunks, session 9.95 s, 420 msg/s, 16.0 MB/s`
 *   (the bar when the end of the recording is known).
 * - {@link ProgressLine}: a bar for any countable work (`karana bench` suites, …), on a TTY only (nothing in a
 *   pipe or with `--json`): `label [#####...............] 25% 1/4 suites, 12 s, ETA 36 s · detail`, rewritten in
 *   place at most 4 times a second and cleared when done.
 * One module, no dependency: `\r` + `ESC[K` (ECMA-48 erase in line) is all a progress line needs.
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
    /** Session time at which the recording ends, ns, when known (a bar is shown). */
    private readonly totalNs?: number,
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
    const line = formatProgress(progress, (t - this.#startMs) / 1000, this.totalNs);
    if (this.out.isTTY === true) this.out.write(`\r\x1b[K${line}${progress.done ? '\n' : ''}`);
    else this.out.write(`${line}\n`);
  }

  get last(): RecordProgress | undefined {
    return this.#last;
  }
}

/** The progress line for `p` after `elapsedS` of wall time (with a bar when the end, `totalNs`, is known). */
export function formatProgress(p: RecordProgress, elapsedS: number, totalNs?: number): string {
  const s = Math.max(elapsedS, 1e-3);
  const known = totalNs !== undefined && Number.isFinite(totalNs) && totalNs > 0;
  return (
    `karana record: ${known ? `${progressBar(p.done ? 1 : p.sessionNs / totalNs)} ` : ''}${p.messages} messages, ${(p.bytes / 1e6).toFixed(1)} MB, ${p.chunks} chunks, ` +
    `session ${(p.sessionNs / 1e9).toFixed(2)} s, ${Math.round(p.messages / s)} msg/s, ${(p.bytes / 1e6 / s).toFixed(1)} MB/s${p.done ? ' (done)' : ''}`
  );
}

/** `[#########...........] 45%` for `fraction` in [0, 1] (clamped; not a number counts as 0). */
export function progressBar(fraction: number, width = 20): string {
  const f = Number.isFinite(fraction) ? Math.max(0, Math.min(1, fraction)) : 0;
  const n = Math.round(f * width);
  return `[${'#'.repeat(n)}${'.'.repeat(width - n)}] ${Math.floor(f * 100)}%`;
}

export interface ProgressLineOptions {
  /** What is being done, first on the line (e.g. `karana bench`). */
  readonly label: string;
  /** How many units the work has. */
  readonly total: number;
  /** Unit name, plural (e.g. `suites`). */
  readonly unit: string;
  /** Wall clock, ms (default `performance.now`). */
  readonly now?: () => number;
}

/** A progress bar for countable work on a TTY; does nothing on any other stream. */
export class ProgressLine {
  readonly #tty: boolean;
  readonly #now: () => number;
  readonly #startMs: number;
  #lastWriteMs = Number.NEGATIVE_INFINITY;
  #shown = false;

  constructor(
    private readonly out: ProgressStream & { readonly columns?: number },
    private readonly options: ProgressLineOptions,
  ) {
    if (!(options.total >= 0)) throw new RangeError(`"total" must be a non-negative number, got ${String(options.total)}`);
    this.#tty = out.isTTY === true;
    this.#now = options.now ?? (() => performance.now());
    this.#startMs = this.#now();
  }

  /** `done` units finished so far; `detail` says what is under way. Drawn at most 4 times a second (always the first time). */
  update(done: number, detail = ''): void {
    if (!this.#tty) return;
    const t = this.#now();
    if (this.#shown && t - this.#lastWriteMs < 250) return;
    this.#lastWriteMs = t;
    this.#shown = true;
    const line = formatProgressLine(this.options, done, (t - this.#startMs) / 1000, detail);
    const cols = this.out.columns ?? 120;
    this.out.write(`\r\x1b[K${line.length >= cols ? `${line.slice(0, cols - 2)}…` : line}`);
  }

  /** Clear the line (the command then prints its results). */
  finish(): void {
    if (this.#tty && this.#shown) this.out.write('\r\x1b[K');
    this.#shown = false;
  }
}

/** `label [bar] 25% 1/4 suites, 12 s, ETA 36 s · detail` (ETA once something is done). */
export function formatProgressLine(o: Pick<ProgressLineOptions, 'label' | 'total' | 'unit'>, done: number, elapsedS: number, detail = ''): string {
  const fraction = o.total > 0 ? done / o.total : 0;
  const eta = done > 0 && done < o.total ? `, ETA ${Math.round((elapsedS / done) * (o.total - done))} s` : '';
  return `${o.label} ${progressBar(fraction)} ${done}/${o.total} ${o.unit}, ${Math.round(elapsedS)} s${eta}${detail === '' ? '' : ` · ${detail}`}`;
}
