/**
 * Emulated XREAL Air glasses behind the HID adapter surface the `xreal-air` driver uses (`HidBackend`:
 * enumeration entries for interfaces 3 and 4, `open`, and handles with `on('data')`, `write`, `close`): the
 * IMU interface streams ~1 kHz sensor reports made from real head motion (`aria-motion.ts`), answers the
 * calibration commands with a calibration JSON of the shape the glasses store (Monado
 * `xreal_air_parse_calibration_buffer`), and the MCU interface acknowledges the allow-listed commands.
 *
 * Reports: `hal/hid/xreal-report.ts` layout. Scales (multiplier/divisor) are those of the ICM-42688-P's
 * 20-bit FIFO mode (InvenSense DS-000347 §6.1: gyro 131 LSB per °/s, accel 8192 LSB/g), magnetometer
 * 0.1 µT/LSB (offset binary); the checksum field is left 0 (its coverage is not public). Values are first
 * "un-calibrated" with the emulated calibration (so the driver's calibration must undo it), then rounded:
 * the decoded values equal the motion within ±0.5 LSB × the calibration scale.
 * Device clock: `deviceTimeNs = clockOffsetNs + t × (1 + skewPpm·10⁻⁶)`, t = the trajectory's own time.
 */
import { EventEmitter } from 'node:events';
import type { HidBackend, HidDeviceInfo, HidHandle } from '../../../hal/hid/hid-transport.js';
import { unapplyXrealCalibration } from '../../../hal/hid/xreal-calibration.js';
import type { XrealImuCalibration } from '../../../hal/hid/xreal-calibration.js';
import { IMU_HEAD, IMU_MSG, MCU_MSG, XREAL_PIDS, XREAL_REPORT_BYTES, XREAL_VID, decodeCommandPacket, encodeImuPacket, encodeMcuPacket } from '../../../hal/hid/xreal-protocol.js';
import type { HeadImuTrack } from './aria-motion.js';

export const EMULATED_GYRO_DIVISOR = 131;
export const EMULATED_ACCEL_DIVISOR = 8192;
export const EMULATED_MAG_DIVISOR = 10;

/** The emulated glasses' calibration (illustrative values: small biases, scales within 0.2 %, no misalignment). */
export const EMULATED_CALIBRATION: XrealImuCalibration = Object.freeze({
  accel_bias: [0.05, -0.03, 0.02],
  accel_q_gyro: [0, 0, 0, 1],
  gyro_bias: [0.002, -0.001, 0.0005],
  gyro_q_mag: [0, 0, 0, 1],
  mag_bias: [0, 0, 0],
  scale_accel: [1.002, 0.998, 1.001],
  scale_gyro: [1.001, 0.999, 1],
  scale_mag: [1, 1, 1],
  imu_noises: [0.0001, 0.00001, 0.001, 0.0001],
});

export interface XrealEmulatorOptions {
  readonly track: HeadImuTrack | (() => Promise<HeadImuTrack>);
  readonly productId?: number;
  readonly serialNumber?: string;
  /** `asap` (default): one report per event-loop turn; `realtime`: at the trajectory's times on the host clock. */
  readonly pace?: 'asap' | 'realtime';
  readonly clockOffsetNs?: bigint;
  readonly skewPpm?: number;
  readonly calibration?: XrealImuCalibration;
  /** Stream at most this many reports per start. */
  readonly maxReports?: number;
}

let counter = 0;

/** Encodes one sensor report (64 bytes) into `out` at `offset`. */
export function encodeXrealReport(out: Buffer, offset: number, timestampNs: bigint, gyroRaw: readonly number[], accelRaw: readonly number[], magRaw: readonly number[]): void {
  const r = out.subarray(offset, offset + XREAL_REPORT_BYTES);
  r.fill(0);
  r[0] = 0x01;
  r[1] = 0x02;
  r.writeBigUInt64LE(timestampNs, 4);
  r.writeInt16LE(1, 12);
  r.writeInt32LE(EMULATED_GYRO_DIVISOR, 14);
  r.writeInt16LE(1, 27);
  r.writeInt32LE(EMULATED_ACCEL_DIVISOR, 29);
  r.writeInt16BE(1, 42);
  r.writeInt32BE(EMULATED_MAG_DIVISOR, 44);
  for (let k = 0; k < 3; k++) {
    r.writeIntLE(gyroRaw[k] as number, 18 + 3 * k, 3);
    r.writeIntLE(accelRaw[k] as number, 33 + 3 * k, 3);
    r.writeUInt16LE(((magRaw[k] as number) + 0x8000) & 0xffff, 48 + 2 * k);
  }
}

/** All reports of a track: the bytes, and the device timestamps. */
export function encodeXrealReports(track: HeadImuTrack, options: { calibration?: XrealImuCalibration; clockOffsetNs?: bigint; skewPpm?: number; maxReports?: number } = {}): { bytes: Buffer; timestampsNs: BigInt64Array; count: number } {
  const cal = options.calibration ?? EMULATED_CALIBRATION;
  const count = Math.min(track.n, options.maxReports ?? track.n);
  const bytes = Buffer.alloc(count * XREAL_REPORT_BYTES);
  const timestampsNs = new BigInt64Array(count);
  const offset = options.clockOffsetNs ?? 1_000_000_000_000n;
  const skew = 1 + (options.skewPpm ?? 0) * 1e-6;
  const gyro = new Float64Array(3);
  const accel = new Float64Array(3);
  const clamp24 = (v: number): number => Math.max(-8388608, Math.min(8388607, Math.round(v)));
  for (let i = 0; i < count; i++) {
    gyro.set(track.gyroRadps.subarray(3 * i, 3 * i + 3));
    accel.set(track.accelMps2.subarray(3 * i, 3 * i + 3));
    unapplyXrealCalibration(cal, gyro, accel);
    const t = offset + BigInt(Math.round((track.tNs[i] as number) * skew));
    timestampsNs[i] = t;
    encodeXrealReport(
      bytes,
      i * XREAL_REPORT_BYTES,
      t,
      [0, 1, 2].map((k) => clamp24(((gyro[k] as number) * 180 * EMULATED_GYRO_DIVISOR) / Math.PI)),
      [0, 1, 2].map((k) => clamp24(((accel[k] as number) / 9.80665) * EMULATED_ACCEL_DIVISOR)),
      [0, 1, 2].map((k) => Math.max(-32768, Math.min(32767, Math.round((track.magUt[3 * i + k] as number) * EMULATED_MAG_DIVISOR)))),
    );
  }
  return { bytes, timestampsNs, count };
}

class EmulatedHandle extends EventEmitter implements HidHandle {
  constructor(
    readonly iface: 3 | 4,
    private readonly onWrite: (handle: EmulatedHandle, report: Buffer) => void,
    private readonly onClose: (handle: EmulatedHandle) => void,
  ) {
    super();
  }
  closed = false;
  async write(report: Buffer): Promise<number> {
    if (this.closed) throw new Error('write on a closed HID handle');
    await new Promise((r) => setImmediate(r));
    this.onWrite(this, report[0] === 0 ? report.subarray(1) : report);
    return report.length;
  }
  async close(): Promise<void> {
    this.closed = true;
    this.onClose(this);
  }
  /** Sends a report to the host. */
  deliver(report: Buffer): void {
    if (!this.closed) this.emit('data', report);
  }
}

export class EmulatedXrealGlasses implements HidBackend {
  readonly #options: XrealEmulatorOptions;
  readonly #id = ++counter;
  /** Every report the host wrote, with the interface. */
  readonly written: { iface: 3 | 4; report: Buffer }[] = [];
  /** Commands the emulator does not know (a real device might do anything with them). */
  readonly unknownCommands: string[] = [];
  /** Sensor reports delivered since the last stream start. */
  reportsSent = 0;
  brightness = 4;
  displayMode = 1;
  #stream: { bytes: Buffer; count: number } | undefined;
  #streamTimer: NodeJS.Timeout | undefined;
  #streaming = false;
  #calibrationText = '';
  #calibrationPos = 0;
  #imu: EmulatedHandle | undefined;

  constructor(options: XrealEmulatorOptions) {
    this.#options = options;
  }

  get #pid(): number {
    return this.#options.productId ?? XREAL_PIDS.air;
  }

  async devices(): Promise<HidDeviceInfo[]> {
    const common = { vendorId: XREAL_VID, productId: this.#pid, serialNumber: this.#options.serialNumber ?? 'EMU0000000001', manufacturer: 'XREAL (emulated)', product: 'XREAL Air (emulated)' };
    return [3, 4].map((i) => ({ ...common, interface: i, path: `/dev/hidraw-emulated-${this.#id}-${i}` }));
  }

  async open(path: string): Promise<HidHandle> {
    const m = /^\/dev\/hidraw-emulated-(\d+)-([34])$/.exec(path);
    if (m === null || Number(m[1]) !== this.#id) throw new Error(`cannot open ${path}: ENOENT`);
    if (this.#stream === undefined) {
      const t = this.#options.track;
      const track = typeof t === 'function' ? await t() : t;
      this.#stream = encodeXrealReports(track, this.#options);
    }
    const cal = this.#options.calibration ?? EMULATED_CALIBRATION;
    this.#calibrationText = JSON.stringify({ IMU: { device_1: cal }, display: { resolution: [1920, 1080] } });
    const handle = new EmulatedHandle(Number(m[2]) as 3 | 4, (h, r) => this.#onWrite(h, r), (h) => h === this.#imu && this.#stopStream());
    if (handle.iface === 3) this.#imu = handle;
    return handle;
  }

  /** The encoded stream (after the first open): report bytes and device timestamps. */
  get stream(): { bytes: Buffer; count: number } | undefined {
    return this.#stream;
  }

  #onWrite(handle: EmulatedHandle, report: Buffer): void {
    this.written.push({ iface: handle.iface, report: Buffer.from(report) });
    const packet = decodeCommandPacket(report);
    if (typeof packet === 'string') {
      this.unknownCommands.push(`interface ${handle.iface}: ${packet}`);
      return;
    }
    const reply = handle.iface === 3 && packet.head === IMU_HEAD ? this.#imuReply(packet.msgId, packet.payload) : handle.iface === 4 ? this.#mcuReply(packet.msgId, packet.payload) : undefined;
    if (reply === undefined) {
      this.unknownCommands.push(`interface ${handle.iface}: message 0x${packet.msgId.toString(16)}`);
      return;
    }
    setImmediate(() => handle.deliver(reply));
  }

  #imuReply(msgId: number, payload: Buffer): Buffer | undefined {
    switch (msgId) {
      case IMU_MSG.startImuData:
        if (payload[0] === 1) this.#startStream();
        else this.#stopStream();
        return encodeImuPacket(msgId, Uint8Array.of(payload[0] ?? 0));
      case IMU_MSG.getCalibrationLength: {
        this.#calibrationPos = 0;
        const len = Buffer.alloc(4);
        len.writeUInt32LE(Buffer.byteLength(this.#calibrationText), 0);
        return encodeImuPacket(msgId, len);
      }
      case IMU_MSG.getCalibrationSegment: {
        const all = Buffer.from(this.#calibrationText);
        const part = all.subarray(this.#calibrationPos, this.#calibrationPos + (XREAL_REPORT_BYTES - 8));
        this.#calibrationPos += part.length;
        return encodeImuPacket(msgId, part);
      }
      case IMU_MSG.getStaticId:
        return encodeImuPacket(msgId, Uint8Array.of(0x78, 0x56, 0x34, 0x12));
      default:
        return undefined;
    }
  }

  #mcuReply(msgId: number, payload: Buffer): Buffer | undefined {
    switch (msgId) {
      case MCU_MSG.readBrightness:
        return encodeMcuPacket(msgId, Uint8Array.of(0, this.brightness));
      case MCU_MSG.writeBrightness:
        this.brightness = payload[0] ?? this.brightness;
        return encodeMcuPacket(msgId, Uint8Array.of(0));
      case MCU_MSG.readDisplayMode:
        return encodeMcuPacket(msgId, Uint8Array.of(0, this.displayMode));
      case MCU_MSG.writeDisplayMode:
        this.displayMode = payload[0] ?? this.displayMode;
        return encodeMcuPacket(msgId, Uint8Array.of(0));
      case MCU_MSG.readSerial:
        return encodeMcuPacket(msgId, Buffer.concat([Uint8Array.of(0), Buffer.from(this.#options.serialNumber ?? 'EMU0000000001')]));
      case MCU_MSG.readFirmwareVersion:
        return encodeMcuPacket(msgId, Buffer.concat([Uint8Array.of(0), Buffer.from('emulated-1.0')]));
      default:
        return undefined;
    }
  }

  #startStream(): void {
    this.#stopStream();
    const stream = this.#stream;
    const imu = this.#imu;
    if (stream === undefined || imu === undefined) return;
    this.#streaming = true;
    this.reportsSent = 0;
    const report = (i: number): Buffer => stream.bytes.subarray(i * XREAL_REPORT_BYTES, (i + 1) * XREAL_REPORT_BYTES);
    if (this.#options.pace === 'realtime') {
      // Reports go out at the trajectory's times on the host clock (t0 = now); their device stamps run
      // (1 + skewPpm·10⁻⁶) as fast, so the host sees the device clock's skew as real glasses would show it.
      const t0 = performance.now();
      const first = this.#stream === undefined ? 0n : stream.bytes.readBigUInt64LE(4);
      const rate = 1 + (this.#options.skewPpm ?? 0) * 1e-6;
      this.#streamTimer = setInterval(() => {
        const dueNs = first + BigInt(Math.round((performance.now() - t0) * 1e6 * rate));
        while (this.reportsSent < stream.count && stream.bytes.readBigUInt64LE(this.reportsSent * XREAL_REPORT_BYTES + 4) <= dueNs) imu.deliver(report(this.reportsSent++));
        if (this.reportsSent >= stream.count) this.#stopStream();
      }, 2);
      return;
    }
    const step = (): void => {
      if (!this.#streaming || imu.closed || this.reportsSent >= stream.count) return;
      imu.deliver(report(this.reportsSent++));
      setImmediate(step);
    };
    setImmediate(step);
  }

  #stopStream(): void {
    this.#streaming = false;
    if (this.#streamTimer !== undefined) clearInterval(this.#streamTimer);
    this.#streamTimer = undefined;
  }
}
