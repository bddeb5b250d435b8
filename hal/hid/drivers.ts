/**
 * The USB HID drivers as driver-table entries (`hal/drivers.ts` `DriverEntry`), to be appended to `DRIVERS`:
 * `xreal-air`. Device `path`: `hid:3318:<pid>[:<serial>]` (`spec.ts`). With the `emulator` option the driver
 * runs unchanged on emulated glasses fed by the Aria head trajectory (laptops, CI):
 * `emulator = { recording = "../aria_head_trajectory/trajectory/closed_loop_trajectory.csv", format = "aria-trajectory" }`.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import type { DeviceConfig, DriverEntry } from '../drivers.js';
import { readAriaHeadImu } from '../emulators/hid/aria-motion.js';
import { EmulatedXrealGlasses } from '../emulators/hid/xreal-emulator.js';
import { XrealAir } from './xreal-air.js';
import { parseHidSpec } from './spec.js';
import type { HidSpec } from './spec.js';
import { XREAL_VID } from './xreal-protocol.js';

export const XrealAirOptions = z.object({
  applyCalibration: z.boolean().optional(),
  commandTimeoutMs: z.number().int().positive().optional(),
  emulator: z
    .strictObject({
      recording: z.string().min(1),
      format: z.literal('aria-trajectory'),
      pace: z.enum(['realtime', 'asap']).optional(),
      /** Offset of the emulated glasses clock, ns (string of digits or number). */
      clockOffsetNs: z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).optional(),
      skewPpm: z.number().min(-1000).max(1000).optional(),
    })
    .optional(),
});

function spec(config: DeviceConfig): HidSpec {
  let s: HidSpec;
  try {
    s = parseHidSpec(config.path);
  } catch (err) {
    throw new Error(`device ${config.id}: ${(err as Error).message}`, { cause: err });
  }
  if (s.vendorId !== XREAL_VID) throw new Error(`device ${config.id}: xreal-air serves vendor 3318, not ${s.vendorId.toString(16)} (${config.path})`);
  return s;
}

/** The HID drivers. */
export const HID_DRIVERS: readonly DriverEntry[] = Object.freeze([
  {
    name: 'xreal-air',
    description: 'XREAL Air / Air 2 / Air 2 Pro IMU over USB HID (~1 kHz, calibrated), display mode and brightness',
    clock: 'relative',
    windowed: false,
    options: { imu: XrealAirOptions },
    create(config, context) {
      const o = XrealAirOptions.parse(config.options);
      const s = spec(config);
      const e = o.emulator;
      const backend =
        e === undefined
          ? undefined
          : new EmulatedXrealGlasses({
              track: () => readAriaHeadImu(resolve(context.baseDir, e.recording)),
              productId: s.productId,
              ...(s.serialNumber !== undefined ? { serialNumber: s.serialNumber } : {}),
              pace: e.pace ?? 'realtime',
              ...(e.clockOffsetNs !== undefined ? { clockOffsetNs: BigInt(e.clockOffsetNs) } : {}),
              ...(e.skewPpm !== undefined ? { skewPpm: e.skewPpm } : {}),
            });
      return new XrealAir({
        id: config.id,
        productId: s.productId,
        ...(s.serialNumber !== undefined ? { serialNumber: s.serialNumber } : {}),
        ...(backend !== undefined ? { backend } : {}),
        ...(o.applyCalibration !== undefined ? { applyCalibration: o.applyCalibration } : {}),
        ...(o.commandTimeoutMs !== undefined ? { commandTimeoutMs: o.commandTimeoutMs } : {}),
      });
    },
  },
] satisfies DriverEntry[]);
