/**
 * `bno08x-rvc`: a CEVA BNO080/BNO085 (e.g. Adafruit 4754, SparkFun 22857) in UART-RVC mode on a serial port,
 * as an {@link ImuDevice}: 100 Hz samples with the sensor's fused attitude (`orientationWxyz`), acceleration
 * (`accelMps2`, gravity included) and an angular rate derived from consecutive attitudes (`gyroRadps`, see
 * `rvc-imu.ts` for its quantisation). Frame format and sources: `rvc-decoder.ts`. Wiring: `docs/hal-serial.md`.
 *
 * Errors: `open()` throws a DeviceError naming the device and the port (missing node, no permission, port
 * locked); a corrupt frame or garbage on the line is a SampleError naming the device and the stream byte
 * offset, and the stream goes on; the port closing while open fails the device.
 */
import type { ImuInfo } from '../types.js';
import { RVC_RATE_HZ, RvcDecoder } from './rvc-decoder.js';
import type { RvcSink } from './rvc-decoder.js';
import { RvcSampleBuilder } from './rvc-imu.js';
import { SerialImuDevice } from './serial-imu-device.js';
import type { SerialImuOptions } from './serial-imu-device.js';

/** UART-RVC line settings (data sheet §1.4.2): 115200 8N1. */
export const BNO08X_RVC_BAUD = 115200;

export interface Bno08xRvcOptions extends Omit<SerialImuOptions, 'baudRate'> {
  /** Default 115200 (the only rate the sensor uses in RVC mode). */
  readonly baudRate?: number;
  /** Shown as `info.source`; default `serial:<path>@<baud>`. */
  readonly source?: string;
}

export class Bno08xRvc extends SerialImuDevice {
  readonly #decoder = new RvcDecoder();
  readonly #builder = new RvcSampleBuilder();
  #hostTimeNs = 0n;
  readonly #sink: RvcSink = {
    frame: (frame) => this.push(this.#builder.build(frame, this.#hostTimeNs)),
    error: (error) => this.sampleError(error.byteOffset, error.message),
  };

  constructor(options: Bno08xRvcOptions) {
    const baudRate = options.baudRate ?? BNO08X_RVC_BAUD;
    const info: ImuInfo = {
      id: options.id,
      kind: 'imu',
      driver: 'bno08x-rvc',
      replay: false,
      nominalRateHz: RVC_RATE_HZ,
      source: options.source ?? `serial:${options.path}@${baudRate}`,
      hasMagnetometer: false,
    };
    super(info, { ...options, baudRate });
  }

  /** Frames missing according to the frame index, since `open()`. */
  get droppedFrames(): number {
    return this.#builder.droppedFrames;
  }

  protected override resetDecoder(): void {
    this.#decoder.reset();
    this.#builder.reset();
  }

  protected override decode(chunk: Buffer, hostTimeNs: bigint): void {
    this.#hostTimeNs = hostTimeNs;
    this.#decoder.push(chunk, this.#sink);
  }
}
