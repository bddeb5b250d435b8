/**
 * Base of the register-level chip emulators with 8-bit register addresses (MPU-6050/9250, AK8963, ICM-42688-P,
 * LSM6DSO, BNO055, MAX17048): a register pointer set by the first byte of a write transaction, then data bytes
 * written or read one by one, the pointer moving after each as the chip's datasheet says (auto-increment by
 * default; FIFO data registers stay put; a subclass overrides {@link RegisterChip.nextPointer}).
 * Before every transaction the chip catches up with its clock ({@link RegisterChip.sync}): samples whose
 * instants have passed are produced then, so time only moves when the caller's clock does.
 */
import type { I2cTarget } from '../../i2c/bus.js';

export abstract class RegisterChip implements I2cTarget {
  /** The register file; subclasses give meaning to addresses and hook reads/writes. */
  protected readonly regs = new Uint8Array(256);
  protected pointer = 0;

  write(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.sync();
    this.pointer = bytes[0] ?? 0;
    for (let i = 1; i < bytes.length; i++) {
      this.writeRegister(this.pointer, bytes[i] ?? 0);
      this.pointer = this.nextPointer(this.pointer);
    }
  }

  read(length: number): Uint8Array {
    this.sync();
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      out[i] = this.readRegister(this.pointer) & 0xff;
      this.pointer = this.nextPointer(this.pointer);
    }
    return out;
  }

  /** Produces what the chip would have produced by now (samples, status flags). */
  protected sync(): void {}

  /** The byte at `register` (reading may have side effects: FIFO pop, clear-on-read flags). */
  protected readRegister(register: number): number {
    return this.regs[register] ?? 0;
  }

  /** Stores `value` at `register` (subclasses act on configuration writes). */
  protected writeRegister(register: number, value: number): void {
    this.regs[register] = value;
  }

  /** Where the pointer goes after an access to `register`: the next address by default. */
  protected nextPointer(register: number): number {
    return (register + 1) & 0xff;
  }

  /** Writes a 16-bit value big-endian at `register`, `register + 1`. */
  protected setBe16(register: number, value: number): void {
    this.regs[register] = (value >> 8) & 0xff;
    this.regs[register + 1] = value & 0xff;
  }

  /** Writes a 16-bit value little-endian at `register`, `register + 1`. */
  protected setLe16(register: number, value: number): void {
    this.regs[register] = value & 0xff;
    this.regs[register + 1] = (value >> 8) & 0xff;
  }
}

/**
 * A chip FIFO holding whole frames, read out byte by byte. When a frame does not fit: `overwrite` drops the
 * oldest whole frames (MPU-6050 default, LSM6DSO continuous mode), `stop` drops the new frame (ICM-42688-P
 * STOP-on-FULL, MPU-9250 FIFO_MODE=1); either way {@link FrameFifo.overflowed} is set until cleared. (A real
 * MPU-6050 overwrites byte by byte and can leave a partial frame at the head; the driver discards the FIFO on
 * overflow either way, so the emulator keeps whole frames.)
 */
export class FrameFifo {
  #frames: Uint8Array[] = [];
  #head = 0;
  /** Bytes of the head frame already read. */
  #headOffset = 0;
  #bytes = 0;
  overflowed = false;

  constructor(
    public capacityBytes: number,
    public mode: 'overwrite' | 'stop',
    readonly emptyByte = 0,
  ) {}

  /** Unread bytes. */
  get countBytes(): number {
    return this.#bytes - this.#headOffset;
  }

  /** Whether one more frame of `size` bytes would fit. */
  fits(size: number): boolean {
    return this.countBytes + size <= this.capacityBytes;
  }

  push(frame: Uint8Array): void {
    if (!this.fits(frame.length)) {
      this.overflowed = true;
      if (this.mode === 'stop') return;
      while (!this.fits(frame.length) && this.#head < this.#frames.length) this.#dropHead();
    }
    this.#frames.push(frame);
    this.#bytes += frame.length;
  }

  popByte(): number {
    const frame = this.#frames[this.#head];
    if (frame === undefined) return this.emptyByte;
    const byte = frame[this.#headOffset] ?? this.emptyByte;
    this.#headOffset += 1;
    if (this.#headOffset >= frame.length) this.#dropHead();
    return byte;
  }

  clear(): void {
    this.#frames = [];
    this.#head = 0;
    this.#headOffset = 0;
    this.#bytes = 0;
    this.overflowed = false;
  }

  #dropHead(): void {
    const frame = this.#frames[this.#head];
    if (frame === undefined) return;
    this.#bytes -= frame.length;
    this.#headOffset = 0;
    this.#head += 1;
    if (this.#head > 1024) {
      this.#frames = this.#frames.slice(this.#head);
      this.#head = 0;
    }
  }
}
