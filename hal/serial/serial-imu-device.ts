/**
 * Base class of the serial IMU drivers: opens a serial port through a {@link SerialPortFactory}, stamps each
 * chunk with the host clock on arrival, hands the bytes to the subclass's frame decoder, and turns the
 * decoder's output into samples and {@link SampleError}s (named by device id and stream byte offset) in
 * stream order. A port that closes or errors while open fails the device ({@link LiveDevice.fail}).
 */
import { LiveDevice, asDeviceError, hostNowNs } from '../live/live-device.js';
import type { LiveDeviceOptions } from '../live/live-device.js';
import { SampleError } from '../types.js';
import type { ImuInfo, ImuSample } from '../types.js';
import { closePort, openPort, serialOpenHint, systemSerialPorts } from './serial-port.js';
import type { SerialPortFactory, SerialPortLike } from './serial-port.js';

export interface SerialImuOptions extends LiveDeviceOptions {
  readonly id: string;
  /** Device node, e.g. `/dev/ttyUSB0`. */
  readonly path: string;
  readonly baudRate: number;
  /** Where ports come from; default the OS ports ({@link systemSerialPorts}). */
  readonly ports?: SerialPortFactory;
}

export abstract class SerialImuDevice extends LiveDevice<ImuInfo, ImuSample> {
  readonly #ports: SerialPortFactory;
  readonly #path: string;
  readonly #baudRate: number;
  #port: SerialPortLike | undefined;
  #bytesReceived = 0;

  protected constructor(info: ImuInfo, options: SerialImuOptions) {
    super(info, options);
    this.#ports = options.ports ?? systemSerialPorts;
    this.#path = options.path;
    this.#baudRate = options.baudRate;
  }

  /** Bytes received since the last `open()`. */
  get bytesReceived(): number {
    return this.#bytesReceived;
  }

  /** Resets the decoder state before a (re)open. */
  protected abstract resetDecoder(): void;

  /** Decodes `chunk` (arrived at `hostTimeNs`) and calls `push` / {@link sampleError} for what it holds. */
  protected abstract decode(chunk: Buffer, hostTimeNs: bigint): void;

  /** Called once the port is open (e.g. to send a request); may throw to fail the open. */
  protected async afterOpen(_port: SerialPortLike): Promise<ImuInfo> {
    return this.info;
  }

  /** Queues a decode error at a stream byte offset. */
  protected sampleError(byteOffset: number, message: string): void {
    this.pushSampleError(new SampleError(this.info.id, { byteOffset }, message));
  }

  protected override async openDevice(): Promise<ImuInfo> {
    this.resetDecoder();
    this.#bytesReceived = 0;
    const port = this.#ports({ path: this.#path, baudRate: this.#baudRate });
    this.#port = port;
    port.on('data', (chunk) => {
      if (this.#port !== port) return;
      this.#bytesReceived += chunk.length;
      this.decode(chunk, hostNowNs());
    });
    port.on('error', (err) => {
      if (this.#port === port) this.fail(asDeviceError(this.info.id, err, `serial error on ${this.#path}`));
    });
    port.on('close', () => {
      if (this.#port === port) this.fail(asDeviceError(this.info.id, new Error('port closed (unplugged?)'), `lost ${this.#path}`));
    });
    try {
      await openPort(port);
    } catch (err) {
      throw asDeviceError(this.info.id, new Error(serialOpenHint(err), { cause: err }), `cannot open ${this.#path} at ${this.#baudRate} baud`);
    }
    return this.afterOpen(port);
  }

  protected override async closeDevice(): Promise<void> {
    const port = this.#port;
    this.#port = undefined;
    if (port === undefined) return;
    await closePort(port);
    port.removeAllListeners();
  }
}
