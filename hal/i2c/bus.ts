/**
 * The I²C bus as the chip drivers see it: register reads and writes on 7-bit addresses, async, with two
 * implementations passed in by whoever builds the driver (the serialport `binding` pattern):
 * - {@link openI2cBus}: a Linux `/dev/i2c-N` adapter over the `i2c-bus` package (optional dependency, loaded
 *   with a dynamic import so that laptops without it still load this module);
 * - {@link EmulatedI2cBus}: chip emulators (`hal/emulators/i2c/`) hosted at addresses, on a clock the caller
 *   controls. An address with nothing attached NACKs, like a real bus.
 *
 * Transfers: `readRegister(addr, reg, n)` writes the register pointer and reads n bytes; the chip decides how
 * its pointer moves (auto-increment, a FIFO data register that does not move, LSM6DSO's FIFO window that wraps
 * 0x7E → 0x78). Up to 32 bytes the Linux adapter uses one SMBus I²C-block transfer (repeated start); longer
 * reads are a pointer write then a plain read, which every chip served here accepts (their datasheets allow
 * a STOP between the two).
 *
 * Errors: {@link I2cBusError} naming the bus and the address (`i2c-1: no ACK from 0x69 …`); the device
 * drivers wrap it in a `DeviceError` naming the device.
 */
import { access, constants } from 'node:fs/promises';
import type { EmulatorClock } from '../emulators/i2c/clock.js';

/** One I²C bus (adapter), shared by the devices on it. */
export interface I2cBus {
  /** Linux adapter number (`/dev/i2c-<busNumber>`). */
  readonly busNumber: number;
  /** Writes `register` as the pointer, then reads `length` bytes. */
  readRegister(address: number, register: number, length: number): Promise<Uint8Array>;
  /** Writes `register` then `bytes` in one transaction. */
  writeRegister(address: number, register: number, bytes: Uint8Array | readonly number[]): Promise<void>;
  /** Plain read of `length` bytes (no pointer write). */
  i2cRead(address: number, length: number): Promise<Uint8Array>;
  /** Plain write of `bytes`. */
  i2cWrite(address: number, bytes: Uint8Array | readonly number[]): Promise<void>;
  /** Waits `ms` of the bus's time (datasheet delays after a reset or a mode change). */
  delay(ms: number): Promise<void>;
  /** Releases this handle. */
  close(): Promise<void>;
}

export type I2cErrorKind = 'nack' | 'io' | 'no-bus' | 'permission' | 'no-module' | 'closed';

/** A bus-level failure, naming the bus and (when there is one) the address. */
export class I2cBusError extends Error {
  override readonly name = 'I2cBusError';
  constructor(
    readonly busNumber: number,
    readonly address: number | undefined,
    readonly kind: I2cErrorKind,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`i2c-${busNumber}: ${message}`, options);
  }
}

/** `0x68`, for messages. */
export function hex(value: number, digits = 2): string {
  return `0x${value.toString(16).padStart(digits, '0')}`;
}

/** The NACK error of `address` on bus `busNumber`. */
export function nackError(busNumber: number, address: number, cause?: unknown): I2cBusError {
  return new I2cBusError(busNumber, address, 'nack', `no ACK from address ${hex(address)} (nothing there? check wiring, power, the address pin)`, { cause });
}

/** A chip emulator as the bus sees it: write and read transactions addressed to it. */
export interface I2cTarget {
  /** A write transaction: the bytes after the address byte (register chips: the pointer first). */
  write(bytes: Uint8Array): void;
  /** A read transaction of `length` bytes. */
  read(length: number): Uint8Array;
}

/** Thrown by an {@link I2cTarget} to NACK a transaction (e.g. MAX17048 after its power-on-reset command). */
export class TargetNack extends Error {
  override readonly name = 'TargetNack';
}

export interface EmulatedI2cBusOptions {
  readonly busNumber?: number;
  /** The clock the hosted chips run on; `delay()` advances it when it can be advanced (a `ManualClock`). */
  readonly clock: EmulatorClock;
}

/**
 * A bus of chip emulators. Every operation awaits a macrotask first (as asynchronous as the real adapter,
 * binding-mock style). Controls beyond {@link I2cBus}: `attach`/`detach` chips, `injectFault` (the next
 * transfers to an address NACK or fail with EIO), and `transfers` (count per address).
 */
export class EmulatedI2cBus implements I2cBus {
  readonly busNumber: number;
  readonly clock: EmulatorClock;
  readonly #targets = new Map<number, I2cTarget>();
  readonly #faults = new Map<number, { kind: 'nack' | 'io'; count: number }>();
  readonly transfers = new Map<number, number>();

  constructor(options: EmulatedI2cBusOptions) {
    this.busNumber = options.busNumber ?? 1;
    this.clock = options.clock;
  }

  /** Hosts `target` at 7-bit `address` (replacing what was there). */
  attach(address: number, target: I2cTarget): this {
    this.#targets.set(address, target);
    return this;
  }

  detach(address: number): void {
    this.#targets.delete(address);
  }

  /** The next `count` transfers to `address` fail: `nack` (unplugged chip) or `io` (EIO, a glitch). */
  injectFault(address: number, kind: 'nack' | 'io', count = 1): void {
    this.#faults.set(address, { kind, count });
  }

  async readRegister(address: number, register: number, length: number): Promise<Uint8Array> {
    const target = await this.#begin(address);
    target.write(Uint8Array.of(register & 0xff));
    return target.read(length);
  }

  async writeRegister(address: number, register: number, bytes: Uint8Array | readonly number[]): Promise<void> {
    const target = await this.#begin(address);
    target.write(Uint8Array.from([register & 0xff, ...bytes]));
  }

  async i2cRead(address: number, length: number): Promise<Uint8Array> {
    return (await this.#begin(address)).read(length);
  }

  async i2cWrite(address: number, bytes: Uint8Array | readonly number[]): Promise<void> {
    (await this.#begin(address)).write(Uint8Array.from(bytes));
  }

  async delay(ms: number): Promise<void> {
    const clock = this.clock as EmulatorClock & { advanceMs?: (ms: number) => void };
    if (typeof clock.advanceMs === 'function') {
      clock.advanceMs(ms);
      await macrotask();
    } else {
      await new Promise((wake) => setTimeout(wake, ms));
    }
  }

  async close(): Promise<void> {
    // The emulated hardware outlives a handle; nothing to release.
  }

  async #begin(address: number): Promise<I2cTarget> {
    await macrotask();
    this.transfers.set(address, (this.transfers.get(address) ?? 0) + 1);
    const fault = this.#faults.get(address);
    if (fault !== undefined) {
      fault.count -= 1;
      if (fault.count <= 0) this.#faults.delete(address);
      if (fault.kind === 'io') throw new I2cBusError(this.busNumber, address, 'io', `I/O error talking to ${hex(address)} (EIO)`);
      throw nackError(this.busNumber, address);
    }
    const target = this.#targets.get(address);
    if (target === undefined) throw nackError(this.busNumber, address);
    return new NackTranslator(target, this.busNumber, address);
  }
}

/** Turns a target's {@link TargetNack} into the bus's NACK error. */
class NackTranslator implements I2cTarget {
  constructor(
    readonly target: I2cTarget,
    readonly busNumber: number,
    readonly address: number,
  ) {}
  write(bytes: Uint8Array): void {
    this.#guard(() => this.target.write(bytes));
  }
  read(length: number): Uint8Array {
    return this.#guard(() => this.target.read(length));
  }
  #guard<T>(op: () => T): T {
    try {
      return op();
    } catch (err) {
      if (err instanceof TargetNack) throw nackError(this.busNumber, this.address, err);
      throw err;
    }
  }
}

function macrotask(): Promise<void> {
  return new Promise((wake) => setImmediate(wake));
}

/** The part of i2c-bus's `PromisifiedBus` used here (i2c-bus ships no types; @types/i2c-bus is not installed). */
interface PromisifiedBus {
  readI2cBlock(addr: number, cmd: number, length: number, buffer: Buffer): Promise<{ bytesRead: number; buffer: Buffer }>;
  writeI2cBlock(addr: number, cmd: number, length: number, buffer: Buffer): Promise<{ bytesWritten: number }>;
  i2cRead(addr: number, length: number, buffer: Buffer): Promise<{ bytesRead: number; buffer: Buffer }>;
  i2cWrite(addr: number, length: number, buffer: Buffer): Promise<{ bytesWritten: number }>;
  close(): Promise<void>;
}

const ENABLE_HINT =
  'enable I²C: Raspberry Pi `sudo raspi-config` → Interface Options → I2C (or `dtparam=i2c_arm=on` in /boot/firmware/config.txt, then reboot); ' +
  'Jetson: the 40-pin header buses are /dev/i2c-7 (pins 3/5) and /dev/i2c-1 (pins 27/28); then `sudo modprobe i2c-dev`';
const PERMISSION_HINT =
  'add the user to the i2c group (`sudo usermod -aG i2c $USER`, log in again) or add a udev rule `KERNEL=="i2c-[0-9]*", GROUP="i2c", MODE="0660"`';

/**
 * Opens `/dev/i2c-<busNumber>` through the `i2c-bus` package (Linux only).
 * @throws I2cBusError `no-module` (i2c-bus not installed or not built), `no-bus` (no such adapter: I²C not
 *   enabled), `permission` (EACCES) — each message says how to fix it.
 */
export async function openI2cBus(busNumber: number): Promise<I2cBus> {
  const path = `/dev/i2c-${busNumber}`;
  if (process.platform !== 'linux') {
    throw new I2cBusError(busNumber, undefined, 'no-bus', `${path}: I²C devices need Linux (this is ${process.platform}); use the driver's \`emulator\` option on a laptop`);
  }
  try {
    await access(path, constants.R_OK | constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') throw new I2cBusError(busNumber, undefined, 'permission', `no permission to open ${path}: ${PERMISSION_HINT}`, { cause: err });
    throw new I2cBusError(busNumber, undefined, 'no-bus', `${path} does not exist: ${ENABLE_HINT}`, { cause: err });
  }
  let mod: { openPromisified(bus: number): Promise<PromisifiedBus> };
  try {
    const specifier = 'i2c-bus';
    const loaded = (await import(specifier)) as { default?: typeof mod } & typeof mod;
    mod = loaded.default ?? loaded;
  } catch (err) {
    throw new I2cBusError(busNumber, undefined, 'no-module', `the i2c-bus package is not installed or not built (optional dependency, Linux only): run \`npm install i2c-bus\` on the device (needs build-essential)`, { cause: err });
  }
  return new LinuxI2cBus(busNumber, await mod.openPromisified(busNumber));
}

/** i2c-bus adapter; errors become {@link I2cBusError}s (EREMOTEIO/ENXIO = NACK). */
class LinuxI2cBus implements I2cBus {
  #closed = false;
  constructor(
    readonly busNumber: number,
    readonly bus: PromisifiedBus,
  ) {}

  readRegister(address: number, register: number, length: number): Promise<Uint8Array> {
    return this.#op(address, async () => {
      const buffer = Buffer.alloc(length);
      if (length <= 32) {
        const { bytesRead } = await this.bus.readI2cBlock(address, register, length, buffer);
        return this.#full(address, bytesRead, length, buffer);
      }
      await this.bus.i2cWrite(address, 1, Buffer.of(register));
      const { bytesRead } = await this.bus.i2cRead(address, length, buffer);
      return this.#full(address, bytesRead, length, buffer);
    });
  }

  writeRegister(address: number, register: number, bytes: Uint8Array | readonly number[]): Promise<void> {
    const buffer = Buffer.from(Uint8Array.from(bytes));
    return this.#op(address, async () => {
      await this.bus.writeI2cBlock(address, register, buffer.length, buffer);
    });
  }

  i2cRead(address: number, length: number): Promise<Uint8Array> {
    return this.#op(address, async () => {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await this.bus.i2cRead(address, length, buffer);
      return this.#full(address, bytesRead, length, buffer);
    });
  }

  i2cWrite(address: number, bytes: Uint8Array | readonly number[]): Promise<void> {
    const buffer = Buffer.from(Uint8Array.from(bytes));
    return this.#op(address, async () => {
      await this.bus.i2cWrite(address, buffer.length, buffer);
    });
  }

  delay(ms: number): Promise<void> {
    return new Promise((wake) => setTimeout(wake, ms));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.bus.close();
  }

  #full(address: number, got: number, want: number, buffer: Buffer): Uint8Array {
    if (got !== want) throw new I2cBusError(this.busNumber, address, 'io', `short read from ${hex(address)}: ${got} of ${want} bytes`);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, want);
  }

  async #op<T>(address: number, run: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new I2cBusError(this.busNumber, address, 'closed', 'bus handle is closed');
    try {
      return await run();
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      const text = `${e.code ?? ''} ${e.message}`;
      if (/EREMOTEIO|ENXIO|Remote I\/O|No such device or address/i.test(text)) throw nackError(this.busNumber, address, err);
      throw new I2cBusError(this.busNumber, address, 'io', `I/O error talking to ${hex(address)}: ${e.message}`, { cause: err });
    }
  }
}
