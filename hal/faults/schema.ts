/**
 * The `faults` table of a `[[devices]]` entry in `session.toml` (validated with zod): faults injected into that
 * device's stream, deterministic for a given `seed`. Times are seconds of the device's own clock since its
 * first sample (`atS`), durations `forS`, clock steps `byS`. See `docs/faults.md`.
 *
 * ```toml
 * [[devices]]
 * id = "imu0"
 * kind = "imu"
 * driver = "euroc-imu"
 * path = "mav0/imu0"
 * faults = { seed = 7, drop = 0.05, corrupt = 0.01, stall = [{ atS = 2, forS = 0.5 }],
 *            stallRate = { perS = 0.2, forS = 0.1 }, disconnect = [{ atS = 3, forS = 1, failedReopens = 2 }],
 *            clockJump = [{ atS = 4, byS = 0.25 }] }
 * ```
 */
import { z } from 'zod';

const seconds = z.number().refine(Number.isFinite, 'must be finite');
const atS = seconds.refine((v) => v >= 0, 'must be ≥ 0 (seconds after the first sample)');
const forS = seconds.refine((v) => v > 0, 'must be > 0');
const share = z.number().min(0, 'a share in [0, 1]').max(1, 'a share in [0, 1]');

export const FaultsSchema = z.strictObject({
  /** Seed of the fault PRNG (default 1). */
  seed: z.number().int().default(1),
  /** Share of samples dropped silently, 0–1. */
  drop: share.default(0),
  /** Share of samples turned into SampleErrors (a corrupt packet), 0–1. */
  corrupt: share.default(0),
  /** Pauses of delivery at given times: the sample due at `atS` is delivered `forS` (wall time) late. */
  stall: z.array(z.strictObject({ atS, forS })).default([]),
  /** Random pauses: on average `perS` per second of device time, each `forS` long (wall time). */
  stallRate: z.strictObject({ perS: z.number().positive(), forS }).optional(),
  /**
   * Unplugs: at `atS` `read()` throws a DeviceError; the samples of the next `forS` are lost; the first
   * `failedReopens` reopen attempts fail (default 1).
   */
  disconnect: z.array(z.strictObject({ atS, forS, failedReopens: z.number().int().nonnegative().default(1) })).default([]),
  /** Device clock steps: from `atS` on, `deviceTimeNs` is `byS` later (negative: earlier). */
  clockJump: z.array(z.strictObject({ atS, byS: seconds })).default([]),
});

/** A validated `faults` table. */
export type FaultsConfig = z.infer<typeof FaultsSchema>;
/** What a manifest may write (defaults not yet applied). */
export type FaultsInput = z.input<typeof FaultsSchema>;

/** Validates a `faults` table; throws the zod error (the manifest loader turns it into field paths). */
export function parseFaults(raw: unknown): FaultsConfig {
  return FaultsSchema.parse(raw);
}
