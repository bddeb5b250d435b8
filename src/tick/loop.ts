/**
 * The tick loop. Each tick folds the due layers' steps in order 1 → 9: a step gets its inbox (bus events
 * since its last step), its work results and its edge input, and returns its new state, the events it
 * emits (published and flushed before the next layer steps, so layer 5 sees layer 1's events of the same
 * tick) and the work it requests.
 *
 * - Virtual clock (replay, `--speed 0`): tick k runs at runtime time k·period once every edge has read all
 *   input up to that time and every outstanding work request has settled: the same session gives the same
 *   event log, byte for byte, however fast the machine is.
 * - Real clock: ticks fire on absolute deadlines from a {@link TickTimer} (a metronome thread); a tick
 *   takes what has arrived. Lateness (callback start − deadline) is measured per tick.
 */
import type { Bus } from '../bus/bus.js';
import type { Inbox } from '../bus/inbox.js';
import { LatencyHistogram, type LatencySummary } from '../metrics/histogram.js';
import type { ScaledClock, VirtualClock } from './clock.js';
import { makeSlot, takeIfDue, type LayerSlot } from './schedule.js';
import { LAYER_NAMES, layerNumber, type AnyLayer, type LayerName, type WorkHandler } from './types.js';
import { WorkTracker, errorMessage, type WorkStats } from './work.js';

/** Input at a layer's edge (layer 1: device samples), read by I/O outside the fold. */
export interface EdgeSource<E> {
  /** Inputs stamped at or before `tNs`, in time order; they are removed. */
  take(tNs: number): E[];
  /** Virtual clock: resolves once every input stamped at or before `tNs` has been read (or cannot come). */
  ready(tNs: number): Promise<void>;
  /** No input will come any more. */
  readonly exhausted: boolean;
}

export interface TickInfo {
  readonly tick: number;
  /** Callback start − deadline, host clock, ns. */
  readonly lateByNs: number;
}

/** Fires ticks on absolute host-clock deadlines `startHostNs + k·periodHostNs`, skipping ticks it is late for. */
export interface TickTimer {
  /** Resolves once ticking has started; rejects when it cannot start (e.g. real-time priority refused). */
  start(periodHostNs: number, startHostNs: bigint, onTick: (info: TickInfo) => void): Promise<void>;
  stop(): Promise<void>;
  /** Ticks the timer skipped because the consumer was more than a period late. */
  skipped(): number;
}

export interface TickLoopOptions {
  readonly layers: readonly AnyLayer[];
  readonly bus: Bus;
  readonly clock: VirtualClock | ScaledClock;
  readonly tickHz: number;
  readonly edges?: Partial<Record<LayerName, EdgeSource<unknown>>>;
  readonly work?: Readonly<Record<string, WorkHandler>>;
  /** The loop stops after the first tick at or past this runtime time (so input stamped at it is taken), ns;
   * a function is asked before every check (an end that moves, e.g. by the length of replay pauses).
   * Without it, it stops when the edges run dry. */
  readonly endNs?: number | (() => number);
  /** Real clock only: the deadline source. */
  readonly timer?: TickTimer;
  /** Called when a layer step throws (a bug: the layer keeps its previous state and the loop goes on). */
  readonly onLayerError?: (layer: LayerName, error: Error) => void;
}

export interface LayerStats {
  readonly name: LayerName;
  readonly number: number;
  readonly rateHz: number;
  readonly steps: number;
  readonly overruns: number;
  readonly errors: number;
  readonly missedSteps: number;
  readonly budgetMs: number;
  readonly stepWallTime: LatencySummary;
}

export interface LoopStats {
  readonly mode: 'virtual' | 'real';
  readonly tickHz: number;
  readonly ticks: number;
  readonly skippedTicks: number;
  readonly runtimeNs: number;
  readonly wallNs: number;
  /** Real clock: callback start − deadline, over every tick (a skipped tick counts with the lateness it had
   * when the loop got to run again). */
  readonly lateness: LatencySummary | null;
  readonly layers: readonly LayerStats[];
  readonly work: WorkStats;
}

interface Running {
  readonly layer: AnyLayer;
  readonly slot: LayerSlot;
  readonly inbox: Inbox;
  state: unknown;
  steps: number;
  overruns: number;
  errors: number;
  readonly wall: LatencyHistogram;
}

/** Wall time between yields to the event loop during a virtual replay (keeps sockets and timers served). */
const YIELD_EVERY_NS = 20_000_000n;

export class TickLoop {
  private readonly running: Running[];
  private readonly periodNs: number;
  private readonly work: WorkTracker;
  private readonly lateness = new LatencyHistogram();
  private tick = 0;
  private lastTNs = 0;
  private ranAny = false;
  private stopRequested = false;
  private startedHostNs = 0n;
  private endedHostNs = 0n;

  constructor(private readonly options: TickLoopOptions) {
    if (!(options.tickHz > 0)) throw new RangeError(`"tickHz" must be positive, got ${options.tickHz}`);
    this.periodNs = 1e9 / options.tickHz;
    const names = new Set<LayerName>();
    const sorted = [...options.layers].sort((a, b) => layerNumber(a.name) - layerNumber(b.name));
    this.running = sorted.map((layer, index) => {
      if (!LAYER_NAMES.includes(layer.name)) throw new RangeError(`unknown layer "${String(layer.name)}"`);
      if (names.has(layer.name)) throw new RangeError(`layer "${layer.name}" is given twice`);
      names.add(layer.name);
      return {
        layer,
        slot: makeSlot(layer, index, options.tickHz),
        inbox: options.bus.inbox(layer.name, layer.subscribes),
        state: layer.init() as unknown,
        steps: 0,
        overruns: 0,
        errors: 0,
        wall: new LatencyHistogram(),
      };
    });
    this.work = new WorkTracker(options.work ?? {});
  }

  /** Run until the end time, until the edges run dry (virtual clock), or until {@link stop}. */
  async run(): Promise<LoopStats> {
    this.startedHostNs = process.hrtime.bigint();
    try {
      if (this.options.clock.mode === 'virtual') await this.runVirtual(this.options.clock);
      else await this.runReal(this.options.clock);
    } finally {
      this.endedHostNs = process.hrtime.bigint();
    }
    return this.stats();
  }

  /** Ask the loop to stop after the current tick. */
  stop(): void {
    this.stopRequested = true;
  }

  /** The current state of a layer (for reports and the HUD server; treat as read-only). */
  layerState(name: LayerName): unknown {
    return this.running.find((r) => r.layer.name === name)?.state;
  }

  /** Runtime time of the last tick run, ns. */
  get timeNs(): number {
    return this.lastTNs;
  }

  stats(): LoopStats {
    const end = this.endedHostNs === 0n ? process.hrtime.bigint() : this.endedHostNs;
    return {
      mode: this.options.clock.mode,
      tickHz: this.options.tickHz,
      ticks: this.tick,
      skippedTicks: this.options.timer?.skipped() ?? 0,
      runtimeNs: this.lastTNs,
      wallNs: Number(end - this.startedHostNs),
      lateness: this.options.clock.mode === 'real' ? this.lateness.summary() : null,
      layers: this.running.map((r) => ({
        name: r.layer.name,
        number: layerNumber(r.layer.name),
        rateHz: r.layer.rateHz,
        steps: r.steps,
        overruns: r.overruns,
        errors: r.errors,
        missedSteps: r.slot.missed,
        budgetMs: r.layer.budgetMs,
        stepWallTime: r.wall.summary(),
      })),
      work: this.work.stats(),
    };
  }

  private async runVirtual(clock: VirtualClock): Promise<void> {
    let lastYield = process.hrtime.bigint();
    for (;;) {
      const tNs = this.tick * this.periodNs;
      if (this.finished()) break;
      await Promise.all([this.work.settle(), ...this.edgeSources().map((e) => e.ready(tNs))]);
      clock.advanceTo(tNs);
      this.runTick(tNs);
      if (this.reachedEnd(tNs)) break;
      const now = process.hrtime.bigint();
      if (now - lastYield > YIELD_EVERY_NS) {
        lastYield = now;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    await this.work.settle();
  }

  private runReal(clock: ScaledClock): Promise<void> {
    const timer = this.options.timer;
    if (timer === undefined) return Promise.reject(new Error('a real-clock tick loop needs a "timer"'));
    const periodHostNs = this.periodNs / clock.speed;
    let lastTick = -1;
    return new Promise<void>((resolve, reject) => {
      let stopping = false;
      const started = timer.start(periodHostNs, clock.originHostNs, (info) => {
        if (stopping) return;
        const finish = (): void => {
          stopping = true;
          void timer.stop().then(resolve);
        };
        if (this.finished()) return finish();
        this.tick = info.tick;
        const tNs = info.tick * this.periodNs;
        // A tick the timer skipped was late by at least this one's lateness plus the periods between.
        for (let k = lastTick + 1; k < info.tick; k += 1) this.lateness.record(info.lateByNs + (info.tick - k) * periodHostNs);
        lastTick = info.tick;
        this.lateness.record(info.lateByNs);
        this.runTick(tNs);
        if (this.reachedEnd(tNs)) finish();
      });
      started.catch(reject);
    });
  }

  /** Checked before a tick: stop requested, or (without an end time) the edges ran dry. */
  private finished(): boolean {
    if (this.stopRequested) return true;
    if (this.options.endNs !== undefined) return false;
    return this.ranAny && this.work.inFlight === 0 && this.edgeSources().every((e) => e.exhausted);
  }

  /** Checked after a tick: it was the first at or past the end time. */
  private reachedEnd(tNs: number): boolean {
    const end = this.options.endNs;
    return end !== undefined && tNs >= (typeof end === 'function' ? end() : end);
  }

  private edgeSources(): EdgeSource<unknown>[] {
    return Object.values(this.options.edges ?? {}).filter((e): e is EdgeSource<unknown> => e !== undefined);
  }

  private runTick(tNs: number): void {
    const { bus } = this.options;
    for (const r of this.running) {
      if (!takeIfDue(r.slot, tNs)) continue;
      const dtNs = Number.isNaN(r.slot.lastStepNs) ? r.slot.periodNs : tNs - r.slot.lastStepNs;
      r.slot.lastStepNs = tNs;
      const edge = this.options.edges?.[r.layer.name]?.take(tNs) ?? [];
      const inputs = { events: r.inbox.drain(), results: this.work.take(r.layer.name), edge };
      const started = process.hrtime.bigint();
      try {
        const out = r.layer.step(r.state, inputs, { tick: this.tick, tNs, dtNs, mode: this.options.clock.mode });
        r.state = out.state;
        for (const e of out.events ?? []) bus.publish(e.topic, e.payload);
        for (const req of out.requests ?? []) this.work.submit(r.layer.name, req);
      } catch (err) {
        r.errors += 1;
        this.options.onLayerError?.(r.layer.name, err instanceof Error ? err : new Error(errorMessage(err)));
      }
      const wallNs = Number(process.hrtime.bigint() - started);
      r.wall.record(wallNs);
      if (wallNs > r.layer.budgetMs * 1e6) r.overruns += 1;
      r.steps += 1;
      bus.flush();
    }
    this.lastTNs = tNs;
    this.ranAny = true;
    this.tick += 1;
  }
}
