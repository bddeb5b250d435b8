/**
 * The serial IMU drivers as driver-table entries (`hal/drivers.ts` `DriverEntry`), to be appended to
 * `DRIVERS`: `bno08x-rvc` and `serial-imu` (KIMU v1). The device `path` is a spec `serial:<path>[@baud]`
 * (`spec.ts`). With the `emulator` option the driver runs unchanged on an emulated port fed by a real
 * recording (laptops, CI): `emulator = { recording = "../imu_broad/07_….csv", format = "broad" }`.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import type { DeviceConfig, DriverContext, DriverEntry } from '../drivers.js';
import { int16Info, int32Info, kimuStreamFromRecording } from '../emulators/serial/kimu-emulator.js';
import { SerialEmulator } from '../emulators/serial/mock-serial.js';
import { readBroadRecording, readEurocImuRecording, readXioRecording } from '../emulators/serial/recordings.js';
import type { ImuRecording } from '../emulators/serial/recordings.js';
import { rvcFramesFromRecording } from '../emulators/serial/rvc-emulator.js';
import { Bno08xRvc } from './bno08x-rvc.js';
import { SerialImu } from './serial-imu.js';
import { parseSerialSpec } from './spec.js';
import type { SerialPortFactory } from './serial-port.js';

const emulatorCommon = {
  recording: z.string().min(1),
  /** `realtime` (default): frames at their recorded times; `asap`: as fast as the reader takes them. */
  pace: z.enum(['realtime', 'asap']).optional(),
  seed: z.number().int().optional(),
};

export const Bno08xRvcOptions = z.object({
  emulator: z.strictObject({ ...emulatorCommon, format: z.literal('broad') }).optional(),
});

export const SerialImuOptions = z.object({
  infoTimeoutMs: z.number().int().positive().optional(),
  emulator: z
    .strictObject({ ...emulatorCommon, format: z.enum(['xio', 'broad', 'euroc']), sampleFormat: z.enum(['int16', 'int32']).optional() })
    .optional(),
});

const READERS: Record<'xio' | 'broad' | 'euroc', (path: string) => Promise<ImuRecording>> = { xio: readXioRecording, broad: readBroadRecording, euroc: readEurocImuRecording };

function spec(config: DeviceConfig): { path: string; baudRate?: number } {
  try {
    return parseSerialSpec(config.path);
  } catch (err) {
    throw new Error(`device ${config.id}: ${(err as Error).message}`, { cause: err });
  }
}

function emulatedPorts(
  emulator: { recording: string; pace?: 'realtime' | 'asap'; seed?: number },
  context: DriverContext,
  encode: (rec: ImuRecording) => { tS: number; bytes: Buffer }[],
  read: (path: string) => Promise<ImuRecording>,
): SerialPortFactory {
  const path = resolve(context.baseDir, emulator.recording);
  return new SerialEmulator({ blocks: async () => encode(await read(path)), pace: emulator.pace ?? 'realtime', ...(emulator.seed !== undefined ? { seed: emulator.seed } : {}) }).ports;
}

/** The serial IMU drivers. */
export const SERIAL_DRIVERS: readonly DriverEntry[] = Object.freeze([
  {
    name: 'bno08x-rvc',
    description: 'CEVA BNO080/BNO085 in UART-RVC mode on a serial port (100 Hz attitude + acceleration; rate derived)',
    clock: 'relative',
    windowed: false,
    options: { imu: Bno08xRvcOptions },
    create(config, context) {
      const { emulator } = Bno08xRvcOptions.parse(config.options);
      const { path, baudRate } = spec(config);
      const ports = emulator === undefined ? undefined : emulatedPorts(emulator, context, (rec) => rvcFramesFromRecording(rec).blocks, readBroadRecording);
      return new Bno08xRvc({ id: config.id, path, ...(baudRate !== undefined ? { baudRate } : {}), ...(ports !== undefined ? { ports } : {}) });
    },
  },
  {
    name: 'serial-imu',
    description: 'IMU behind a microcontroller speaking KIMU v1 framed binary (docs/serial-protocol.md) on a serial port',
    clock: 'relative',
    windowed: false,
    options: { imu: SerialImuOptions },
    create(config, context) {
      const { emulator, infoTimeoutMs } = SerialImuOptions.parse(config.options);
      const { path, baudRate } = spec(config);
      const ports =
        emulator === undefined
          ? undefined
          : emulatedPorts(emulator, context, (rec) => kimuStreamFromRecording(rec, emulator.sampleFormat === 'int32' ? int32Info(rec) : int16Info(rec)).blocks, READERS[emulator.format]);
      return new SerialImu({ id: config.id, path, ...(baudRate !== undefined ? { baudRate } : {}), ...(ports !== undefined ? { ports } : {}), ...(infoTimeoutMs !== undefined ? { infoTimeoutMs } : {}) });
    },
  },
] satisfies DriverEntry[]);
