/**
 * The stats publisher: an edge observer that publishes `runtime.stats` (what `karana top` shows) twice a
 * second from the tick loop's counters (`loop.stats()`), the bus's (`bus.stats()`), the hardware layer's
 * device counters, and the newest `power.state`, `thermal.reading`, `resources.changed` and `tracking.state`
 * it observes. Figures are the ones the run report gives (src/runtime/report.ts), as a stream.
 *
 * When: `trigger: 'runtime'` publishes with the first bus event delivered at or past each period of runtime
 * clock (the default with the virtual clock: the same replay publishes at the same points, so the event log
 * stays the same byte for byte — its log form drops the wall-time figures); `'wall'` on a wall-clock timer
 * (the default with the real clock, so `karana top` redraws at 2 Hz at any replay speed).
 */
import type { Subscription } from 'rxjs';
import type { Bus, TopicStats } from '../bus/bus.js';
import type { PowerStateEvent, ResourcesChangedEvent, ThermalReadingEvent, TrackingStateEvent } from '../bus/topics.js';
import type { HardwareState } from '../layers/hardware/index.js';
import type { LoopStats } from '../tick/loop.js';
import type { DeviceStatsLine, LayerStatsLine, RuntimeStatsEvent, TopicStatsLine } from '../top/stats-types.js';

/** What the publisher reads; a {@link Runtime} is one. */
export interface StatsSource {
  readonly bus: Bus;
  readonly clock: { readonly mode: 'virtual' | 'real'; nowNs(): number };
  readonly loop: { stats(): LoopStats };
  /** Layer 1's device counters (undefined before it has stepped). */
  readonly hardware: HardwareState | undefined;
}

export interface StatsPublisherOptions {
  /** Period, s (default 0.5: 2 Hz). */
  readonly periodS?: number;
  /** Default: `runtime` with the virtual clock, `wall` with the real one (see the module docs). */
  readonly trigger?: 'runtime' | 'wall';
  readonly session?: { readonly name: string; readonly durationNs?: number | undefined };
  /** Replay speed of the run (0: virtual clock), shown by `karana top`. */
  readonly speed?: number;
  /** Rates are over the last this many seconds of runtime clock (default 2). */
  readonly rateWindowS?: number;
}

export interface StatsPublisher {
  /** The newest snapshot published, null before the first. */
  latest(): RuntimeStatsEvent | null;
  /** Snapshots published so far. */
  readonly published: number;
  /** Publish a snapshot now (e.g. a last one at the end of a run). */
  publishNow(): RuntimeStatsEvent;
  stop(): void;
}

/**
 * Start publishing `runtime.stats` for `source`. Errors: `RangeError` for a `periodS` that is not a positive
 * number. Never throws afterwards: a snapshot that fails (a bug) is skipped and the next one is tried.
 */
export function startStatsPublisher(source: StatsSource, options: StatsPublisherOptions = {}): StatsPublisher {
  const periodS = options.periodS ?? 0.5;
  if (!(periodS > 0) || !Number.isFinite(periodS)) throw new RangeError(`"periodS" must be a positive number of seconds, got ${String(periodS)}`);
  const periodNs = periodS * 1e9;
  const trigger = options.trigger ?? (source.clock.mode === 'virtual' ? 'runtime' : 'wall');
  const observed = new ObservedState(source.bus);
  const window = new RateWindow((options.rateWindowS ?? 2) * 1e9);
  let latest: RuntimeStatsEvent | null = null;
  let published = 0;
  const publishNow = (): RuntimeStatsEvent => {
    const snapshot = buildSnapshot(source, observed, window, options);
    latest = snapshot;
    published += 1;
    source.bus.publish('runtime.stats', snapshot);
    return snapshot;
  };
  const tryPublish = (): void => {
    try {
      publishNow();
    } catch {
      // a bug in a snapshot must not stop the runtime; the next period tries again
    }
  };
  let timer: NodeJS.Timeout | null = null;
  let tick: Subscription | null = null;
  if (trigger === 'wall') {
    timer = setInterval(tryPublish, periodS * 1000);
    timer.unref();
  } else {
    let nextNs = periodNs;
    tick = source.bus.all$.subscribe((e) => {
      if (e.topic === 'runtime.stats') return;
      const now = source.bus.clockNs();
      if (now < nextNs) return;
      nextNs = (Math.floor(now / periodNs) + 1) * periodNs;
      tryPublish();
    });
  }
  return {
    latest: () => latest,
    get published() {
      return published;
    },
    publishNow,
    stop() {
      if (timer !== null) clearInterval(timer);
      timer = null;
      tick?.unsubscribe();
      tick = null;
      observed.close();
    },
  };
}

/** The newest power, thermal, profile and tracking events, as observed on the bus. */
class ObservedState {
  power: PowerStateEvent | null = null;
  readonly tempByZone = new Map<string, number>();
  profile: ResourcesChangedEvent | null = null;
  tracking: TrackingStateEvent | null = null;
  private readonly subs: Subscription[];

  constructor(bus: Bus) {
    this.subs = [
      bus.observe('power.state').subscribe((e) => (this.power = e.payload)),
      bus.observe('thermal.reading').subscribe((e: { payload: ThermalReadingEvent }) => this.tempByZone.set(e.payload.zone, e.payload.tempC)),
      bus.observe('resources.changed').subscribe((e) => (this.profile = e.payload)),
      bus.observe('tracking.state').subscribe((e) => (this.tracking = e.payload)),
    ];
  }

  hottest(): { zone: string; tempC: number } | null {
    let best: { zone: string; tempC: number } | null = null;
    for (const [zone, tempC] of this.tempByZone) if (best === null || tempC > best.tempC) best = { zone, tempC };
    return best;
  }

  close(): void {
    for (const s of this.subs) s.unsubscribe();
  }
}

/** Counters at one snapshot, by layer / topic / device. */
interface Counters {
  readonly tNs: number;
  readonly steps: Map<string, number>;
  readonly overruns: Map<string, number>;
  readonly published: Map<string, number>;
  readonly samples: Map<string, number>;
}

/**
 * The counters of the snapshots of the last `rateWindowS` of runtime clock: rates are taken against the oldest
 * (so a 1 Hz layer or a trace read every 5 s does not flicker between 0 and 2 per second at 2 Hz snapshots).
 */
class RateWindow {
  /** Starts with the run's start: every counter 0 at runtime 0. */
  private readonly history: Counters[] = [{ tNs: 0, steps: new Map(), overruns: new Map(), published: new Map(), samples: new Map() }];
  constructor(private readonly windowNs: number) {}

  /** The baseline for a snapshot at `tNs`: the newest snapshot at least a window old, else the oldest kept. */
  baseline(tNs: number): Counters {
    while (this.history.length > 1 && (this.history[1] as Counters).tNs <= tNs - this.windowNs) this.history.shift();
    return this.history[0] as Counters;
  }

  push(c: Counters): void {
    this.history.push(c);
  }
}

const ms = (ns: number): number => round(ns / 1e6, 3);

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

function buildSnapshot(source: StatsSource, observed: ObservedState, window: RateWindow, options: StatsPublisherOptions): RuntimeStatsEvent {
  const tNs = source.clock.nowNs();
  const base = window.baseline(tNs);
  const now: Counters = { tNs, steps: new Map(), overruns: new Map(), published: new Map(), samples: new Map() };
  window.push(now);
  const windowS = Math.max((tNs - base.tNs) / 1e9, 0);
  /** Increase of a counter over the window (and remember its value now). */
  const delta = (which: 'steps' | 'overruns' | 'published' | 'samples', key: string, value: number): number => {
    now[which].set(key, value);
    return Math.max(0, value - (base[which].get(key) ?? 0));
  };
  const perS = (n: number): number => (windowS > 0 ? round(n / windowS, 2) : 0);
  const loop = source.loop.stats();
  const layers: LayerStatsLine[] = loop.layers.map((l) => {
    const p99Ms = ms(l.stepWallTime.p99Ns);
    return {
      name: l.name,
      number: l.number,
      rateHz: l.rateHz,
      stepsPerS: perS(delta('steps', l.name, l.steps)),
      budgetMs: l.budgetMs,
      stepP50Ms: ms(l.stepWallTime.p50Ns),
      stepP99Ms: p99Ms,
      budgetUsePct: l.budgetMs > 0 ? round((p99Ms / l.budgetMs) * 100, 1) : 0,
      overruns: l.overruns,
      overrunsInWindow: delta('overruns', l.name, l.overruns),
      errors: l.errors,
      missedSteps: l.missedSteps,
    };
  });
  const bus: TopicStatsLine[] = source.bus.stats().map((t: TopicStats) => ({
    topic: t.topic,
    priority: t.priority,
    publishedPerS: perS(delta('published', t.topic, t.published)),
    published: t.published,
    delivered: t.delivered,
    dropped: t.dropped,
    superseded: t.superseded,
    latencyP99Ms: ms(t.latency.p99Ns),
  }));
  const devices: DeviceStatsLine[] = Object.entries(source.hardware?.devices ?? {}).map(([deviceId, d]) => ({
    deviceId,
    kind: d.kind,
    driver: d.driver,
    state: d.state,
    samplesPerS: perS(delta('samples', deviceId, d.samples)),
    samples: d.samples,
    skipped: d.skipped,
    ...(d.message === undefined ? {} : { message: d.message }),
  }));
  const hot = observed.hottest();
  const power = observed.power;
  const tracking = observed.tracking;
  return {
    tNs,
    windowS: round(windowS, 6),
    session: options.session === undefined ? null : { name: options.session.name, durationS: options.session.durationNs === undefined ? null : options.session.durationNs / 1e9 },
    clock: {
      mode: loop.mode,
      speed: options.speed ?? null,
      tickHz: loop.tickHz,
      ticks: loop.ticks,
      skippedTicks: loop.skippedTicks,
      latenessP50Ms: loop.lateness === null ? null : ms(loop.lateness.p50Ns),
      latenessP99Ms: loop.lateness === null ? null : ms(loop.lateness.p99Ns),
    },
    layers,
    bus,
    devices,
    power: {
      profile: observed.profile?.profile ?? null,
      reason: observed.profile?.reason ?? null,
      batteryPercent: power?.batteryPercent ?? null,
      voltageV: power?.voltageV ?? null,
      powerW: power?.powerW ?? null,
      charging: power?.charging ?? null,
      socTempC: hot?.tempC ?? null,
      socZone: hot?.zone ?? null,
    },
    tracking: {
      state: tracking?.state ?? null,
      reason: tracking?.reason ?? null,
      features: tracking?.features ?? null,
      sinceNs: tracking?.tNs ?? null,
    },
  };
}
