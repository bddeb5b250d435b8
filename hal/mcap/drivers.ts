/**
 * The `mcap` entry of the driver table (`hal/drivers.ts`): a device recorded by `karana record`, replayed from
 * its MCAP file. In `session.toml`:
 *
 * ```toml
 * [[devices]]
 * id = "imu0"
 * kind = "imu"
 * driver = "mcap"
 * path = "run.mcap"
 * clock = "absolute"      # the recorded device's clock (loadMcapSession fills it in from the file)
 * recordedId = "imu0"     # optional: the device's id in the recording, default the id
 * ```
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import type { DriverEntry } from '../drivers.js';
import { McapDevice } from './device.js';

const McapOptions = z.object({ recordedId: z.string().min(1).optional() });

/** The MCAP replay driver, to add to `DRIVERS`. */
export const MCAP_DRIVERS: readonly DriverEntry[] = Object.freeze([
  {
    name: 'mcap',
    description: 'a device recorded by `karana record`: one channel of an MCAP file (JSON messages, zstd chunks)',
    clock: 'absolute',
    windowed: true,
    options: { camera: McapOptions, imu: McapOptions, audio: McapOptions, thermal: McapOptions, power: McapOptions },
    create(config, context) {
      const options = McapOptions.parse(config.options);
      return new McapDevice({
        id: config.id,
        kind: config.kind,
        path: resolve(context.baseDir, config.path),
        ...(options.recordedId === undefined ? {} : { recordedId: options.recordedId }),
        ...(context.window === undefined ? {} : { window: context.window }),
      }).asDevice();
    },
  },
] satisfies DriverEntry[]);
