/**
 * Pause and resume of a replay, shared by every device of a session (`controls.ts` consults it): while
 * paused, the devices' `read()`s wait, so no new sample enters the runtime.
 *
 * Time: in virtual-clock replay (`--speed 0`) nothing else is needed — the tick loop waits for the devices,
 * so the run resumes exactly where it stopped. On a real clock, give `now` (the runtime clock, ns): each pause
 * then shifts the session time of every later sample by the pause's length, so the replay resumes where it
 * was instead of bursting to catch up. Samples already read ahead when the pause began (the ingest reads at
 * most 100 ms ahead) are still delivered at their time.
 */
export class ReplayController {
  #paused = false;
  #waiters: (() => void)[] = [];
  #pausedAtNs = 0;
  /** Completed pauses: where they began (runtime ns) and how long they lasted (ns). */
  readonly #pauses: { readonly atNs: number; readonly forNs: number }[] = [];

  /** @param now the runtime clock, ns (real-clock runs); omit for virtual-clock replay. */
  constructor(private readonly now?: () => number) {}

  get paused(): boolean {
    return this.#paused;
  }

  /** Stops delivery (idempotent). */
  pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.#pausedAtNs = this.now?.() ?? 0;
  }

  /** Resumes delivery (idempotent). */
  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    if (this.now !== undefined) {
      const forNs = this.now() - this.#pausedAtNs;
      if (forNs > 0) this.#pauses.push({ atNs: this.#pausedAtNs, forNs });
    }
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  /** Pauses when running, resumes when paused; returns the new state. */
  toggle(): boolean {
    if (this.#paused) this.resume();
    else this.pause();
    return this.#paused;
  }

  /** Resolves at once when running, else at the next `resume()`. */
  whenRunning(): Promise<void> {
    return this.#paused ? new Promise((resolve) => this.#waiters.push(resolve)) : Promise.resolve();
  }

  /** Runtime time spent paused so far, ns (the current pause included): how much later the replay ends. */
  pausedNs(): number {
    const done = this.#pauses.reduce((sum, p) => sum + p.forNs, 0);
    return this.#paused && this.now !== undefined ? done + Math.max(0, this.now() - this.#pausedAtNs) : done;
  }

  /** Shift (ns) to add to a sample due at runtime time `tNs` before any pause: the pauses it comes after. */
  shiftNs(tNs: number): number {
    let shift = 0;
    for (const p of this.#pauses) if (tNs + shift >= p.atNs) shift += p.forNs;
    return shift;
  }
}
