/**
 * Multi-rate scheduling of layers on the tick grid. Each layer steps at its own rate with a phase offset;
 * a layer is due on the first tick at or after each of its step times `phase + m / rate`.
 *
 * Default phases spread the layers over their periods with the golden-ratio (Weyl) sequence
 * `frac(n · 0.618…)`: the low-discrepancy sequence keeps any set of layers from landing on the same tick
 * (Kāraṇa's "golden-ratio harmonics" read as what they are useful for: phase staggering).
 */
import type { AnyLayer } from './types.js';

const GOLDEN_FRACTION = (Math.sqrt(5) - 1) / 2;

export interface LayerSlot {
  readonly periodNs: number;
  readonly phaseNs: number;
  /** Runtime time of the next step, ns. */
  nextDueNs: number;
  /** Time of the previous step (for `dtNs`), ns; NaN before the first. */
  lastStepNs: number;
  /** Step times that passed while an earlier step of this layer was still due (lost steps). */
  missed: number;
}

/**
 * Slot of a layer in the schedule. `index` is the layer's position in the fold (for default phases).
 * Throws `RangeError` naming the layer when its rate or phase cannot be scheduled at `tickHz`.
 */
export function makeSlot(layer: AnyLayer, index: number, tickHz: number): LayerSlot {
  if (!(layer.rateHz > 0) || layer.rateHz > tickHz) {
    throw new RangeError(`layer "${layer.name}": "rateHz" must be in (0, ${tickHz}] (the tick rate), got ${layer.rateHz}`);
  }
  const periodNs = 1e9 / layer.rateHz;
  const phaseS = layer.phaseS ?? defaultPhaseS(layer, index);
  if (!(phaseS >= 0) || phaseS * 1e9 >= periodNs) {
    throw new RangeError(`layer "${layer.name}": "phaseS" must be in [0, ${1 / layer.rateHz}) s, got ${phaseS}`);
  }
  const phaseNs = phaseS * 1e9;
  return { periodNs, phaseNs, nextDueNs: phaseNs, lastStepNs: Number.NaN, missed: 0 };
}

/** Golden-ratio stagger: layer n at `frac(n·φ⁻¹)` of its period (0 for layers stepping every tick). */
export function defaultPhaseS(layer: AnyLayer, index: number): number {
  const frac = (index * GOLDEN_FRACTION) % 1;
  return frac / layer.rateHz;
}

/**
 * Whether the layer steps on the tick at `tNs` (the first tick at or after its step time); when it does,
 * advances the slot to its next step time and counts step times it had to skip.
 */
export function takeIfDue(slot: LayerSlot, tNs: number): boolean {
  if (slot.nextDueNs > tNs) return false;
  const behind = Math.floor((tNs - slot.nextDueNs) / slot.periodNs);
  if (behind > 0) slot.missed += behind;
  slot.nextDueNs += (Math.max(behind, 0) + 1) * slot.periodNs;
  return true;
}
