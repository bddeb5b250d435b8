/**
 * `serial-imu`: an IMU behind a microcontroller that speaks KIMU v1 (`docs/serial-protocol.md`) on a serial
 * port or USB CDC-ACM, as an {@link ImuDevice}. On `open()` the driver sends an INFO_REQUEST and waits for the
 * INFO message (scales, tick rate, format), unless `info` is given; SAMPLE frames then become samples in SI
 * units on the device clock (`deviceTimeNs = unwrapped u32 ticks × 10⁹ / tickHz`).
 *
 * Errors: `open()` throws a DeviceError (port missing / no permission / locked; no INFO within
 * `infoTimeoutMs`). A CRC failure, garbage, a malformed payload or a timestamp that does not advance is a
 * SampleError naming the device and the stream byte offset; the stream goes on. Sequence gaps are counted in
 * {@link SerialImu.protocolStats}`.droppedFrames` (a frame lost to a CRC error shows up there too).
 */
import { DeviceError } from '../types.js';
import type { ImuInfo } from '../types.js';
import { KimuDecoder } from './kimu-decoder.js';
import type { KimuFrame, KimuSink } from './kimu-decoder.js';
import { KIMU_TYPE, decodeInfo, decodeSample, encodeFrame, samplePayloadBytes } from './kimu-protocol.js';
import type { KimuInfo } from './kimu-protocol.js';
import { SerialImuDevice } from './serial-imu-device.js';
import type { SerialImuOptions } from './serial-imu-device.js';
import { writePort } from './serial-port.js';
import type { SerialPortLike } from './serial-port.js';

export interface SerialImuDriverOptions extends Omit<SerialImuOptions, 'baudRate'> {
  /** Default 115200. */
  readonly baudRate?: number;
  /** The INFO to assume instead of asking the device (firmware that cannot answer INFO_REQUEST). */
  readonly info?: KimuInfo;
  /** How long `open()` waits for INFO, ms. Default 2500 (firmware repeats INFO every second). */
  readonly infoTimeoutMs?: number;
  readonly source?: string;
}

/** Protocol counters since `open()`. */
export interface KimuStats {
  frames: number;
  /** Frames missing according to the sequence numbers. */
  droppedFrames: number;
  /** SAMPLE frames received before the first INFO (not decodable, discarded). */
  samplesBeforeInfo: number;
  textFrames: number;
}

const TWO_POW_32 = 4294967296n;

export class SerialImu extends SerialImuDevice {
  readonly #decoder = new KimuDecoder();
  readonly #staticInfo: KimuInfo | undefined;
  readonly #infoTimeoutMs: number;
  #kimu: KimuInfo | undefined;
  #magAtOpen = false;
  #expectedSeq = -1;
  #lastTicks = -1;
  #wraps = 0n;
  #lastDeviceNs = -1n;
  #hostTimeNs = 0n;
  #txSeq = 0;
  #infoWaiter: ((info: KimuInfo) => void) | undefined;
  readonly protocolStats: KimuStats = { frames: 0, droppedFrames: 0, samplesBeforeInfo: 0, textFrames: 0 };
  readonly #sink: KimuSink = { frame: (f) => this.#onFrame(f), error: (e) => this.sampleError(e.byteOffset, e.message) };

  constructor(options: SerialImuDriverOptions) {
    const baudRate = options.baudRate ?? 115200;
    const info: ImuInfo = {
      id: options.id,
      kind: 'imu',
      driver: 'serial-imu',
      replay: false,
      nominalRateHz: options.info?.rateHz ?? 100,
      source: options.source ?? `serial:${options.path}@${baudRate}`,
      hasMagnetometer: options.info?.hasMagnetometer ?? false,
    };
    super(info, { ...options, baudRate });
    this.#staticInfo = options.info;
    this.#infoTimeoutMs = options.infoTimeoutMs ?? 2500;
  }

  /** The INFO in force (after `open()`). */
  get kimuInfo(): KimuInfo | undefined {
    return this.#kimu;
  }

  protected override resetDecoder(): void {
    this.#decoder.reset();
    this.#kimu = this.#staticInfo;
    this.#magAtOpen = this.#staticInfo?.hasMagnetometer ?? false;
    this.#expectedSeq = -1;
    this.#lastTicks = -1;
    this.#wraps = 0n;
    this.#lastDeviceNs = -1n;
    Object.assign(this.protocolStats, { frames: 0, droppedFrames: 0, samplesBeforeInfo: 0, textFrames: 0 });
  }

  protected override decode(chunk: Buffer, hostTimeNs: bigint): void {
    this.#hostTimeNs = hostTimeNs;
    this.#decoder.push(chunk, this.#sink);
  }

  protected override async afterOpen(port: SerialPortLike): Promise<ImuInfo> {
    const kimu = this.#kimu ?? (await this.#requestInfo(port));
    return { ...this.info, nominalRateHz: kimu.rateHz, hasMagnetometer: kimu.hasMagnetometer };
  }

  async #requestInfo(port: SerialPortLike): Promise<KimuInfo> {
    let timer: NodeJS.Timeout | undefined;
    const arrived = new Promise<KimuInfo>((resolve, reject) => {
      this.#infoWaiter = (info) => {
        this.#infoWaiter = undefined;
        resolve(info);
      };
      timer = setTimeout(
        () => reject(new DeviceError(this.info.id, `no KIMU INFO message within ${this.#infoTimeoutMs} ms on ${this.info.source}: is the firmware sending KIMU v1 at this baud rate?`)),
        this.#infoTimeoutMs,
      );
    });
    try {
      await writePort(port, encodeFrame(KIMU_TYPE.infoRequest, this.#txSeq++, new Uint8Array(0)));
      return await arrived;
    } finally {
      clearTimeout(timer);
      this.#infoWaiter = undefined;
    }
  }

  #onFrame(f: KimuFrame): void {
    this.protocolStats.frames += 1;
    if (this.#expectedSeq >= 0) this.protocolStats.droppedFrames += (f.seq - this.#expectedSeq) & 0xffff;
    this.#expectedSeq = (f.seq + 1) & 0xffff;
    switch (f.type) {
      case KIMU_TYPE.info: {
        const info = decodeInfo(f.payload);
        if (typeof info === 'string') this.sampleError(f.byteOffset, info);
        else {
          this.#kimu = info;
          if (this.#infoWaiter !== undefined) {
            // The first INFO fixes the magnetometer for this open (samples may follow before open() returns).
            this.#magAtOpen = info.hasMagnetometer;
            this.#infoWaiter(info);
          }
        }
        return;
      }
      case KIMU_TYPE.sample:
        this.#onSample(f);
        return;
      case KIMU_TYPE.text:
        this.protocolStats.textFrames += 1;
        return;
      default:
        this.sampleError(f.byteOffset, `KIMU frame type 0x${f.type.toString(16)} is not one a device sends`);
    }
  }

  #onSample(f: KimuFrame): void {
    const info = this.#kimu;
    if (info === undefined) {
      this.protocolStats.samplesBeforeInfo += 1;
      return;
    }
    const expected = samplePayloadBytes(info);
    if (f.payload.length !== expected) {
      this.sampleError(f.byteOffset, `SAMPLE payload is ${f.payload.length} bytes, INFO (${info.format}${info.hasMagnetometer ? ' + mag' : ''}) says ${expected}`);
      return;
    }
    const raw = decodeSample(info, f.payload);
    if (this.#lastTicks >= 0 && raw.ticks < this.#lastTicks && this.#lastTicks - raw.ticks > 0x80000000) this.#wraps += 1n;
    const deviceTimeNs = ((this.#wraps * TWO_POW_32 + BigInt(raw.ticks)) * 1_000_000_000n) / BigInt(info.tickHz);
    if (deviceTimeNs <= this.#lastDeviceNs) {
      this.sampleError(f.byteOffset, `timestamp ${raw.ticks} ticks does not advance (previous ${this.#lastTicks})`);
      return;
    }
    this.#lastTicks = raw.ticks;
    this.#lastDeviceNs = deviceTimeNs;
    const g = info.gyroScale;
    const a = info.accelScale;
    const m = info.magScale;
    const sample = {
      deviceTimeNs,
      hostTimeNs: this.#hostTimeNs,
      gyroRadps: [raw.gyro[0] * g, raw.gyro[1] * g, raw.gyro[2] * g] as const,
      accelMps2: [raw.accel[0] * a, raw.accel[1] * a, raw.accel[2] * a] as const,
    };
    if (!this.#magAtOpen) this.push(sample);
    else if (raw.mag === undefined) this.sampleError(f.byteOffset, 'INFO changed since open(): samples carry no magnetometer any more');
    else this.push({ ...sample, magUt: [raw.mag[0] * m, raw.mag[1] * m, raw.mag[2] * m] });
  }
}
