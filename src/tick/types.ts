/**
 * Contracts of the tick loop ("monad" loop): each tick folds the layers' steps in order 1 → 9. A step is
 * a function of (its state, its inputs since its last step, the tick context) that returns its new
 * state, the events it emits and the work it requests. I/O lives only at the edges: device ingest
 * (inputs of layer 1) and work handlers (inference and other slow work, whose results come back as inputs
 * on a later step).
 */
import type { AnyEnvelope, Emit } from '../bus/bus.js';
import type { TopicName } from '../bus/topics.js';

/** The nine layers of Kāraṇa OS, in fold order. */
export const LAYER_NAMES = [
  'hardware',
  'network',
  'ledger',
  'oracle',
  'intelligence',
  'ai',
  'interface',
  'apps',
  'services',
] as const;

export type LayerName = (typeof LAYER_NAMES)[number];

/** 1-based layer number (hardware = 1 … services = 9). */
export function layerNumber(name: LayerName): number {
  return LAYER_NAMES.indexOf(name) + 1;
}

/** How the runtime clock advances: `virtual` (replay with `--speed 0`, lock-step) or `real` (scaled wall time). */
export type ClockMode = 'virtual' | 'real';

export interface TickContext {
  /** Tick number, 0-based. */
  readonly tick: number;
  /** Scheduled time of this tick, runtime clock, ns. */
  readonly tNs: number;
  /** Time since this layer's previous step (its own period on a regular schedule), ns. */
  readonly dtNs: number;
  readonly mode: ClockMode;
}

/** Slow work a step asks for; the runtime runs it at the edge with the handler registered for `kind`. */
export interface WorkRequest {
  readonly kind: string;
  /** Unique per layer; echoed in the result. */
  readonly id: string;
  readonly payload: unknown;
}

export type WorkResult =
  | { readonly kind: string; readonly id: string; readonly ok: true; readonly value: unknown }
  | { readonly kind: string; readonly id: string; readonly ok: false; readonly error: string };

/** Runs a work request; may take long; must not touch layer state. */
export type WorkHandler = (payload: unknown) => Promise<unknown>;

export interface LayerInputs<E = never> {
  /** Bus events since the last step, by priority then publication order. */
  readonly events: readonly AnyEnvelope[];
  /** Results of work this layer requested, in completion order. */
  readonly results: readonly WorkResult[];
  /** Input from the layer's edge (layer 1: device samples), when it has one. */
  readonly edge: readonly E[];
}

export interface StepOutput<S> {
  readonly state: S;
  readonly events?: readonly Emit[];
  readonly requests?: readonly WorkRequest[];
}

/** A layer of the runtime: settings, initial state and a pure step. A step must not throw; it reports
 * degraded conditions in its state and events. */
export interface Layer<S, E = never> {
  readonly name: LayerName;
  /** Step rate, Hz (≤ the loop's tick rate). */
  readonly rateHz: number;
  /** Offset of the first step into the layer's period, s; spreads layers over ticks. */
  readonly phaseS?: number;
  /** Wall-time budget per step, ms; a step over it counts as an overrun. */
  readonly budgetMs: number;
  readonly subscribes: readonly TopicName[];
  init(): S;
  step(state: S, inputs: LayerInputs<E>, ctx: TickContext): StepOutput<S>;
}

/** A layer with its edge input type erased, as the loop holds it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyLayer = Layer<any, any>;
