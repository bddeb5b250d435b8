/**
 * Building emulated I²C buses for the drivers: {@link emulatedBusFor} loads a real recording and hosts the chip
 * emulator the driver `driver` talks to at `address` (MPU-9250: plus its AK8963 at 0x0C). This is what the
 * driver table's `emulator` option uses, so a laptop runs the real driver code on recorded data; tests build
 * buses the same way on a {@link ManualClock}.
 */
import { EmulatedI2cBus } from '../../i2c/bus.js';
import { Ak8963Emulator } from './ak8963.js';
import { Bno055Emulator } from './bno055.js';
import { hostClock } from './clock.js';
import type { EmulatorClock } from './clock.js';
import { Icm42688pEmulator } from './icm42688p.js';
import { Ina219Emulator } from './ina219.js';
import { Lsm6dsoEmulator } from './lsm6dso.js';
import { Max17048Emulator } from './max17048.js';
import { MpuEmulator } from './mpu.js';
import { loadImuRecording, loadUpsTrace } from './recording.js';
import type { ImuRecordingFormat } from './recording.js';
import type { RecordingEnd } from './resample.js';

export type EmulatorFormat = ImuRecordingFormat | 'ups-trace';

/** The recording formats each driver's emulator accepts (magnetometer chips need one with a magnetometer). */
export const EMULATOR_FORMATS: Readonly<Record<string, readonly EmulatorFormat[]>> = Object.freeze({
  mpu6050: ['euroc', 'broad', 'xio'],
  mpu9250: ['broad', 'xio'],
  icm42688p: ['euroc', 'broad', 'xio'],
  lsm6dso: ['euroc', 'broad', 'xio'],
  bno055: ['broad', 'xio'],
  max17048: ['ups-trace'],
  ina219: ['ups-trace'],
});

export interface EmulatorSetup {
  /** Absolute path of the recording (EuRoC: the `imu0` folder or its data.csv). */
  readonly recording: string;
  readonly format: EmulatorFormat;
  /** Start this far into the recording, s. */
  readonly startS?: number;
  /** IMU recordings: loop at the end (default) or hold the last sample. */
  readonly end?: RecordingEnd;
  /** Power traces: trace seconds per clock second (default 1). */
  readonly timeScale?: number;
  /** INA219: the emulated board's shunt, Ω (default 0.1). */
  readonly shuntOhms?: number;
}

/** An emulated bus `busNumber` with the emulator of `driver`'s chip at `address`, on `clock` (default: host time). */
export async function emulatedBusFor(driver: string, busNumber: number, address: number, setup: EmulatorSetup, clock: EmulatorClock = hostClock): Promise<EmulatedI2cBus> {
  const formats = EMULATOR_FORMATS[driver];
  if (formats === undefined) throw new Error(`no I²C emulator for driver ${JSON.stringify(driver)}`);
  if (!formats.includes(setup.format)) throw new Error(`the ${driver} emulator needs a recording in format ${formats.join(' or ')}, got ${setup.format}`);
  const bus = new EmulatedI2cBus({ busNumber, clock });
  if (setup.format === 'ups-trace') {
    const recording = await loadUpsTrace(setup.recording);
    const options = { clock, recording, startS: setup.startS, timeScale: setup.timeScale };
    bus.attach(address, driver === 'ina219' ? new Ina219Emulator({ ...options, shuntOhms: setup.shuntOhms }) : new Max17048Emulator(options));
    return bus;
  }
  const recording = await loadImuRecording(setup.recording, setup.format);
  const options = { clock, recording, startS: setup.startS, end: setup.end };
  switch (driver) {
    case 'mpu6050':
    case 'mpu9250': {
      const mpu = new MpuEmulator({ ...options, chip: driver });
      bus.attach(address, mpu);
      if (driver === 'mpu9250') bus.attach(0x0c, new Ak8963Emulator({ ...options, reachable: () => mpu.bypass }));
      break;
    }
    case 'icm42688p':
      bus.attach(address, new Icm42688pEmulator(options));
      break;
    case 'lsm6dso':
      bus.attach(address, new Lsm6dsoEmulator(options));
      break;
    default:
      bus.attach(address, new Bno055Emulator(options));
  }
  return bus;
}

export { ManualClock, hostClock } from './clock.js';
export type { EmulatorClock } from './clock.js';
