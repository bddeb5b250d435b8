/**
 * The `runtime.stats` payload: a snapshot of how the runtime is doing, what `karana top` shows. Published at
 * 2 Hz by the stats publisher (`src/runtime/stats-publisher.ts`) from the tick loop's and the bus's counters
 * and the device, power, thermal and tracking topics.
 *
 * Clocks: `tNs` is the runtime clock (virtual in replay with `--speed 0`); rates (`…PerS`) are per second of
 * runtime clock over the last ~2 s (`windowS`), so a 200 Hz layer shows 200 at any replay speed; step times and tick lateness are wall time (host monotonic clock), ms, since the run started.
 */
import type { DeviceKind } from '../../hal/types.js';
import type { Priority } from '../bus/policy.js';
import type { DeviceState, PowerProfile, TrackingStateEvent } from '../bus/topics.js';

/** One layer of the tick loop. */
export interface LayerStatsLine {
  readonly name: string;
  /** 1 (hardware) … 9 (services). */
  readonly number: number;
  /** Configured step rate, Hz. */
  readonly rateHz: number;
  /** Steps per runtime second over the window (measured). */
  readonly stepsPerS: number;
  /** Wall-time budget per step, ms. */
  readonly budgetMs: number;
  /** Step wall time since the start of the run, ms. */
  readonly stepP50Ms: number;
  readonly stepP99Ms: number;
  /** `stepP99Ms / budgetMs × 100`: how much of its budget a slow (p99) step takes, %. */
  readonly budgetUsePct: number;
  /** Steps over budget since the start / in the rate window. */
  readonly overruns: number;
  readonly overrunsInWindow: number;
  /** Steps that threw (the layer kept its state). */
  readonly errors: number;
  /** Steps that fell due while the loop was behind and were merged into a later one. */
  readonly missedSteps: number;
}

/** One bus topic. */
export interface TopicStatsLine {
  readonly topic: string;
  readonly priority: Priority;
  /** Events published per runtime second over the window. */
  readonly publishedPerS: number;
  /** Totals since the start. */
  readonly published: number;
  readonly delivered: number;
  /** Lost: pushed out of a full queue before a consumer took them. */
  readonly dropped: number;
  /** Replaced by a newer value under a `latest` policy (by design). */
  readonly superseded: number;
  /** Publication → consumption (inbox drain), bus clock, ms. */
  readonly latencyP99Ms: number;
}

/** One device of the session. */
export interface DeviceStatsLine {
  readonly deviceId: string;
  readonly kind: DeviceKind;
  readonly driver: string;
  readonly state: DeviceState;
  /** Samples (frames, IMU samples, chunks, readings) per runtime second over the window. */
  readonly samplesPerS: number;
  readonly samples: number;
  readonly skipped: number;
  readonly message?: string;
}

export interface RuntimeStatsEvent {
  /** Runtime clock at the snapshot, ns. */
  readonly tNs: number;
  /** Runtime-clock span the rates are over, s (the publisher's rate window, default 2 s; less at the start). */
  readonly windowS: number;
  readonly session: { readonly name: string; readonly durationS: number | null } | null;
  readonly clock: {
    readonly mode: 'virtual' | 'real';
    /** Replay speed (0: virtual clock, as fast as possible), when known. */
    readonly speed: number | null;
    readonly tickHz: number;
    readonly ticks: number;
    /** Ticks the metronome skipped because the loop was more than a period late. */
    readonly skippedTicks: number;
    /** Real clock: tick callback start − deadline since the start, ms; null with the virtual clock. */
    readonly latenessP50Ms: number | null;
    readonly latenessP99Ms: number | null;
  };
  readonly layers: readonly LayerStatsLine[];
  readonly bus: readonly TopicStatsLine[];
  readonly devices: readonly DeviceStatsLine[];
  readonly power: {
    /** From `resources.changed`; null before the services layer has chosen one. */
    readonly profile: PowerProfile | null;
    readonly reason: string | null;
    /** From the newest `power.state`. */
    readonly batteryPercent: number | null;
    readonly voltageV: number | null;
    readonly powerW: number | null;
    readonly charging: boolean | null;
    /** The hottest thermal zone's newest reading, °C, and its name. */
    readonly socTempC: number | null;
    readonly socZone: string | null;
  };
  /** VIO tracking from `tracking.state`; `state` null until the first one (or when the VIO is off). */
  readonly tracking: {
    readonly state: TrackingStateEvent['state'] | null;
    readonly reason: string | null;
    readonly features: number | null;
    /** Runtime clock of the last change, ns. */
    readonly sinceNs: number | null;
  };
}
