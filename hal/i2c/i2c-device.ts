/**
 * Base of the I²C device drivers: a {@link LiveDevice} that owns a bus handle, sets the chip up on `open()`
 * and polls it. The bus is passed in as a function that opens it (real `/dev/i2c-N` by default, an
 * {@link EmulatedI2cBus} for the emulator path and the tests), so the same driver code runs on both.
 *
 * Polling: every `pollIntervalMs` (default per chip, chosen to keep the chip's FIFO well below full) the
 * driver reads what the chip has and pushes samples; `pollIntervalMs: 'manual'` starts no timer and the
 * caller calls {@link I2cDevice.poll} (tests advancing a virtual clock). A {@link SampleError} from a poll is
 * queued in stream order; any other error (a NACK: the chip is gone) ends the device with a `DeviceError`.
 * Every sample of one poll carries `hostTimeNs` = the host clock when that poll's FIFO read completed.
 */
import { LiveDevice, hostNowNs } from '../live/live-device.js';
import type { LiveDeviceOptions } from '../live/live-device.js';
import { DeviceError, SampleError } from '../types.js';
import type { DeviceInfo } from '../types.js';
import { hex, openI2cBus } from './bus.js';
import type { I2cBus } from './bus.js';
import { describeId } from './probe-table.js';

export interface I2cDeviceOptions extends LiveDeviceOptions {
  /** Device id within the session, e.g. `imu0`. */
  readonly id: string;
  /** Linux I²C adapter number (`i2c:<bus>:…`). */
  readonly bus: number;
  /** 7-bit address. */
  readonly address: number;
  /** Opens the bus; default {@link openI2cBus}(`bus`). */
  readonly openBus?: () => Promise<I2cBus>;
  /** Poll period, ms, or `'manual'` (no timer; call `poll()`); default per chip. */
  readonly pollIntervalMs?: number | 'manual';
  /** Host clock for `hostTimeNs`, ns; default `hostNowNs` (tests on a virtual clock pass theirs). */
  readonly hostClock?: () => bigint;
}

/** `i2c:1:0x68`. */
export function i2cSource(bus: number, address: number): string {
  return `i2c:${bus}:${hex(address)}`;
}

export abstract class I2cDevice<TInfo extends DeviceInfo, TSample> extends LiveDevice<TInfo, TSample> {
  readonly busNumber: number;
  readonly address: number;
  protected readonly hostNow: () => bigint;
  readonly #openBus: () => Promise<I2cBus>;
  readonly #pollIntervalMs: number | 'manual' | undefined;
  #bus: I2cBus | undefined;

  protected constructor(info: TInfo, options: I2cDeviceOptions) {
    super(info, options);
    this.busNumber = options.bus;
    this.address = options.address;
    this.hostNow = options.hostClock ?? hostNowNs;
    this.#openBus = options.openBus ?? (() => openI2cBus(options.bus));
    this.#pollIntervalMs = options.pollIntervalMs;
    if (typeof options.pollIntervalMs === 'number' && !(options.pollIntervalMs > 0)) {
      throw new DeviceError(info.id, `pollIntervalMs must be a positive number of ms or 'manual', got ${options.pollIntervalMs}`);
    }
  }

  /** Reads what the chip has now and queues it; never throws (errors are queued or end the device). */
  async poll(): Promise<void> {
    const bus = this.#bus;
    if (bus === undefined || !this.isOpen) return;
    try {
      await this.pollChip(bus);
    } catch (err) {
      if (err instanceof SampleError) this.pushSampleError(err);
      else this.fail(err);
    }
  }

  protected async openDevice(): Promise<TInfo> {
    const bus = await this.#openBus();
    this.#bus = bus;
    const info = await this.setup(bus);
    const interval = this.#pollIntervalMs ?? this.defaultPollMs(info);
    if (interval !== 'manual') this.startPolling(interval, () => this.poll());
    return info;
  }

  protected async closeDevice(): Promise<void> {
    const bus = this.#bus;
    this.#bus = undefined;
    if (bus === undefined) return;
    try {
      await this.shutdown(bus);
    } finally {
      await bus.close();
    }
  }

  /** Checks the chip's identity, resets and configures it; returns the full info. */
  protected abstract setup(bus: I2cBus): Promise<TInfo>;

  /** Reads the chip once: pushes samples and sample errors; throws what ends the device. */
  protected abstract pollChip(bus: I2cBus): Promise<void>;

  /** Poll period fitting the configured rate (FIFO fill time / 4, at most 50 ms). */
  protected abstract defaultPollMs(info: TInfo): number;

  /** Puts the chip to sleep on close (best effort; default: nothing). */
  protected async shutdown(_bus: I2cBus): Promise<void> {}

  /** Reads the ID register and throws a DeviceError naming the value read, the one expected and what it is. */
  protected async expectId(bus: I2cBus, register: number, registerName: string, expected: readonly number[], chip: string, width: 1 | 2 = 1, mask = 0xffff): Promise<number> {
    const bytes = await bus.readRegister(this.address, register, width);
    const value = width === 1 ? (bytes[0] ?? 0) : ((bytes[0] ?? 0) << 8) | (bytes[1] ?? 0);
    if (!expected.includes(value & mask)) {
      const digits = width * 2;
      const other = describeId(register, value, this.address);
      throw new DeviceError(
        this.info.id,
        `${registerName} (${hex(register)}) of ${i2cSource(this.busNumber, this.address)} reads ${hex(value, digits)}, expected ${expected.map((v) => hex(v, digits)).join(' or ')} (${chip})` +
          (other === undefined ? '' : `; that is the ID of ${other}`),
      );
    }
    return value;
  }
}

/** Signed 16-bit from two bytes, big-endian. */
export function be16(bytes: Uint8Array, at: number): number {
  const v = ((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0);
  return v >= 0x8000 ? v - 0x10000 : v;
}

/** Signed 16-bit from two bytes, little-endian. */
export function le16(bytes: Uint8Array, at: number): number {
  const v = (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8);
  return v >= 0x8000 ? v - 0x10000 : v;
}

/** Unsigned 16-bit big-endian. */
export function ube16(bytes: Uint8Array, at: number): number {
  return ((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0);
}

/** The poll period for a FIFO of `fifoFrames` frames at `rateHz`: a quarter of its fill time, 2–50 ms. */
export function fifoPollMs(fifoFrames: number, rateHz: number): number {
  return Math.max(2, Math.min(50, Math.floor((fifoFrames / rateHz) * 1000 / 4)));
}
