/**
 * `xreal-air`: the IMU of XREAL Air / Air 2 / Air 2 Pro glasses over USB HID, as an {@link ImuDevice}
 * (~1 kHz, chip frame, SI units, calibrated with the glasses' own calibration), plus the allow-listed MCU
 * commands (display mode, brightness). Protocol and sources: `xreal-protocol.ts`, `xreal-report.ts`,
 * `xreal-commands.ts`, `docs/hal-xreal.md`.
 *
 * `open()`: finds interfaces 3 (IMU) and 4 (MCU) of the glasses (VID 0x3318, a PID of
 * {@link XREAL_PIDS}, optional serial number), opens the IMU interface, stops the stream, reads the
 * calibration JSON (length, then segments), starts the stream. The MCU interface is opened on the first MCU
 * command. Samples: `deviceTimeNs` = the report's timestamp (ns, glasses clock), `hostTimeNs` = host
 * arrival. No `magUt`: the magnetometer's unit and its frame (`gyro_q_mag`) are not established by the open
 * drivers (ar-drivers-rs leaves it as a TODO), so it is parsed (see `XrealReport.magScaled`) but not reported.
 *
 * Errors: DeviceError from `open()` (no glasses, EACCES → udev rule hint, no reply to a command within
 * `commandTimeoutMs`, bad calibration length); a bad sensor report or a timestamp that does not advance is a
 * SampleError with the report number (`frame`) and the byte offset in the report; commands off the allow-list
 * throw `XrealCommandRefused` before anything is written.
 */
import { LiveDevice, asDeviceError, hostNowNs } from '../live/live-device.js';
import type { LiveDeviceOptions } from '../live/live-device.js';
import { DeviceError, SampleError } from '../types.js';
import type { ImuInfo, ImuSample } from '../types.js';
import { nodeHidBackend } from './hid-transport.js';
import type { HidBackend, HidDeviceInfo, HidHandle } from './hid-transport.js';
import { applyXrealCalibration, parseXrealCalibration } from './xreal-calibration.js';
import type { XrealImuCalibration } from './xreal-calibration.js';
import { buildXrealCommand } from './xreal-commands.js';
import type { XrealInterface } from './xreal-commands.js';
import { DISPLAY_MODE, IMU_HEAD, MCU_HEAD, XREAL_IMU_INTERFACE, XREAL_MCU_INTERFACE, XREAL_PIDS, XREAL_VID, decodeCommandPacket } from './xreal-protocol.js';
import { newXrealReport, parseXrealReport } from './xreal-report.js';

export interface XrealAirOptions extends LiveDeviceOptions {
  readonly id: string;
  /** Product id to match; default any of Air, Air 2, Air 2 Pro. */
  readonly productId?: number;
  readonly serialNumber?: string;
  /** Default node-hid. */
  readonly backend?: HidBackend;
  /** Apply the glasses' calibration (default true). */
  readonly applyCalibration?: boolean;
  /** Reply timeout of a command, ms. Default 1000. */
  readonly commandTimeoutMs?: number;
  readonly source?: string;
}

/** Largest calibration document accepted, bytes (real ones are a few kB). */
const MAX_CALIBRATION_BYTES = 1 << 20;

interface Waiter {
  readonly key: string;
  resolve(payload: Buffer): void;
  reject(err: Error): void;
}

export class XrealAir extends LiveDevice<ImuInfo, ImuSample> {
  readonly #options: XrealAirOptions;
  readonly #backend: HidBackend;
  #imu: HidHandle | undefined;
  #mcu: HidHandle | undefined;
  #mcuInfo: HidDeviceInfo | undefined;
  #waiters: Waiter[] = [];
  #reportIndex = 0;
  #lastTimestampNs = -1n;
  readonly #report = newXrealReport();
  /** The calibration read at `open()`, or undefined (then `calibrationProblem` says why). */
  calibration: XrealImuCalibration | undefined;
  calibrationProblem: string | undefined;
  /** The matched glasses (enumeration entry of the IMU interface). */
  glasses: HidDeviceInfo | undefined;

  constructor(options: XrealAirOptions) {
    const pid = options.productId;
    super(
      {
        id: options.id,
        kind: 'imu',
        driver: 'xreal-air',
        replay: false,
        nominalRateHz: 1000,
        source: options.source ?? `hid:3318:${(pid ?? XREAL_PIDS.air).toString(16).padStart(4, '0')}${options.serialNumber !== undefined ? `:${options.serialNumber}` : ''}`,
        hasMagnetometer: false,
      },
      options,
    );
    this.#options = options;
    this.#backend = options.backend ?? nodeHidBackend;
  }

  /** Sends an allow-listed command and resolves its reply payload (MCU replies: status byte first). */
  async command(name: string, payload: Uint8Array = new Uint8Array(0)): Promise<Buffer> {
    const { entry, packet } = buildXrealCommand(name, payload); // throws before any I/O when not allowed
    const handle = entry.iface === 'imu' ? this.#imu : await this.#openMcu();
    if (handle === undefined) throw new DeviceError(this.info.id, `command ${name}: the device is not open`);
    return this.#exchange(handle, entry.iface, entry.msgId, packet, name);
  }

  /** Switches the displays: `2d` (1920×1080 mirrored) or `3d` (3840×1080 side by side). */
  async setDisplayMode(mode: '2d' | '3d'): Promise<void> {
    await this.#expectOk('mcu.writeDisplayMode', Uint8Array.of(DISPLAY_MODE[mode]));
  }

  /** Sets the brightness, 0..7. */
  async setBrightness(level: number): Promise<void> {
    await this.#expectOk('mcu.writeBrightness', Uint8Array.of(level));
  }

  async readDisplayMode(): Promise<'2d' | '3d' | number> {
    const mode = (await this.#expectOk('mcu.readDisplayMode'))[1] ?? -1;
    return mode === DISPLAY_MODE['2d'] ? '2d' : mode === DISPLAY_MODE['3d'] ? '3d' : mode;
  }

  async readBrightness(): Promise<number> {
    return (await this.#expectOk('mcu.readBrightness'))[1] ?? -1;
  }

  async #expectOk(name: string, payload?: Uint8Array): Promise<Buffer> {
    const reply = await this.command(name, payload);
    if (reply[0] !== 0) throw new DeviceError(this.info.id, `command ${name}: the glasses answered status ${String(reply[0])}`);
    return reply;
  }

  protected override async openDevice(): Promise<ImuInfo> {
    this.#reportIndex = 0;
    this.#lastTimestampNs = -1n;
    const all = await this.#backend.devices();
    const match = (d: HidDeviceInfo, iface: number): boolean =>
      d.vendorId === XREAL_VID &&
      (this.#options.productId === undefined ? (Object.values(XREAL_PIDS) as number[]).includes(d.productId) : d.productId === this.#options.productId) &&
      (this.#options.serialNumber === undefined || d.serialNumber === this.#options.serialNumber) &&
      d.interface === iface &&
      d.path !== undefined;
    const imuInfo = all.find((d) => match(d, XREAL_IMU_INTERFACE));
    if (imuInfo?.path === undefined) throw new DeviceError(this.info.id, `no XREAL glasses found for ${this.info.source} (IMU interface ${XREAL_IMU_INTERFACE}); run karana doctor`);
    this.glasses = imuInfo;
    this.#mcuInfo = all.find((d) => match(d, XREAL_MCU_INTERFACE) && d.productId === imuInfo.productId && d.serialNumber === imuInfo.serialNumber);
    const imu = await this.#openHandle(imuInfo.path);
    this.#imu = imu;
    imu.on('data', (report) => this.#onImuData(report));
    imu.on('error', (err) => this.fail(asDeviceError(this.info.id, err, `lost ${imuInfo.path ?? 'the IMU interface'}`)));
    await this.command('imu.stream', Uint8Array.of(0));
    await this.#readCalibration();
    await this.command('imu.stream', Uint8Array.of(1));
    return { ...this.info, source: `hid:3318:${imuInfo.productId.toString(16).padStart(4, '0')}${imuInfo.serialNumber ? `:${imuInfo.serialNumber}` : ''}` };
  }

  protected override async closeDevice(): Promise<void> {
    for (const w of this.#waiters.splice(0)) w.reject(new DeviceError(this.info.id, 'device closed'));
    const handles = [this.#imu, this.#mcu];
    this.#imu = undefined;
    this.#mcu = undefined;
    for (const h of handles) {
      if (h === undefined) continue;
      h.removeAllListeners();
      await h.close().catch(() => undefined);
    }
  }

  async #openHandle(path: string): Promise<HidHandle> {
    try {
      return await this.#backend.open(path);
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      const hint = /EACCES|permission|cannot open/i.test(text) ? ' (permission: install the udev rule from docs/hal-xreal.md, then re-plug the glasses)' : '';
      throw asDeviceError(this.info.id, err, `cannot open ${path}${hint}`);
    }
  }

  async #openMcu(): Promise<HidHandle | undefined> {
    if (this.#mcu !== undefined || this.#imu === undefined) return this.#mcu;
    const path = this.#mcuInfo?.path;
    if (path === undefined) throw new DeviceError(this.info.id, `the glasses expose no MCU interface (${XREAL_MCU_INTERFACE})`);
    const mcu = await this.#openHandle(path);
    mcu.on('data', (report) => this.#onCommandReply(report, 'mcu'));
    mcu.on('error', () => undefined);
    this.#mcu = mcu;
    return mcu;
  }

  async #readCalibration(): Promise<void> {
    this.calibration = undefined;
    this.calibrationProblem = undefined;
    const lengthReply = await this.command('imu.calibrationLength');
    const length = lengthReply.length >= 4 ? lengthReply.readUInt32LE(0) : -1;
    if (length < 0 || length > MAX_CALIBRATION_BYTES) throw new DeviceError(this.info.id, `calibration length ${length} is out of range (0..${MAX_CALIBRATION_BYTES})`);
    const parts: Buffer[] = [];
    let got = 0;
    while (got < length) {
      const part = await this.command('imu.calibrationSegment');
      if (part.length === 0) throw new DeviceError(this.info.id, `calibration segment at ${got} of ${length} bytes is empty`);
      parts.push(part);
      got += part.length;
    }
    const parsed = parseXrealCalibration(Buffer.concat(parts).subarray(0, length).toString('utf8'));
    if (typeof parsed === 'string') this.calibrationProblem = parsed;
    else this.calibration = parsed;
  }

  #exchange(handle: HidHandle, iface: XrealInterface, msgId: number, packet: Buffer, name: string): Promise<Buffer> {
    const key = `${iface}:${msgId}`;
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(new DeviceError(this.info.id, `command ${name} (0x${msgId.toString(16)}): no reply within ${this.#options.commandTimeoutMs ?? 1000} ms`));
      }, this.#options.commandTimeoutMs ?? 1000);
      const waiter: Waiter = {
        key,
        resolve: (p) => (clearTimeout(timer), resolve(p)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      };
      this.#waiters.push(waiter);
      handle.write(packet).catch((err: unknown) => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        waiter.reject(asDeviceError(this.info.id, err, `command ${name}: write failed`));
      });
    });
  }

  #onCommandReply(report: Buffer, iface: XrealInterface): void {
    const packet = decodeCommandPacket(report);
    if (typeof packet === 'string') return; // replies are matched by id; a damaged one times its command out
    const key = `${packet.head === IMU_HEAD ? 'imu' : packet.head === MCU_HEAD ? 'mcu' : iface}:${packet.msgId}`;
    const i = this.#waiters.findIndex((w) => w.key === key);
    if (i < 0) return; // device pushes (buttons, heartbeat) and late replies
    const [waiter] = this.#waiters.splice(i, 1);
    waiter?.resolve(packet.payload);
  }

  #onImuData(report: Buffer): void {
    if (report[0] === IMU_HEAD) {
      this.#onCommandReply(report, 'imu');
      return;
    }
    const hostTimeNs = hostNowNs();
    const frame = this.#reportIndex++;
    const r = this.#report;
    const problem = parseXrealReport(report, r);
    if (problem !== undefined) {
      this.pushSampleError(new SampleError(this.info.id, { frame, byteOffset: problem.byteOffset }, problem.message));
      return;
    }
    if (r.timestampNs <= this.#lastTimestampNs) {
      this.pushSampleError(new SampleError(this.info.id, { frame, byteOffset: 4 }, `timestamp ${r.timestampNs} ns does not advance (previous ${this.#lastTimestampNs} ns)`));
      return;
    }
    this.#lastTimestampNs = r.timestampNs;
    if (this.calibration !== undefined && this.#options.applyCalibration !== false) applyXrealCalibration(this.calibration, r.gyroRadps, r.accelMps2);
    this.push({
      deviceTimeNs: r.timestampNs,
      hostTimeNs,
      gyroRadps: [r.gyroRadps[0] as number, r.gyroRadps[1] as number, r.gyroRadps[2] as number],
      accelMps2: [r.accelMps2[0] as number, r.accelMps2[1] as number, r.accelMps2[2] as number],
    });
  }
}
