/**
 * TDK InvenSense ICM-42688-P on I²C: FIFO driver with the chip's own timestamps.
 *
 * Source: ICM-42688-P datasheet DS-000347 rev 1.8 — §3.1/§3.2 gyroscope and accelerometer specifications
 * (sensitivity per full scale), §6 FIFO (2 KB; §6.1 packet structure: packet 3 = 16 bytes: header, accel X/Y/Z,
 * gyro X/Y/Z big-endian, temperature int8 (°C = raw / 2.07 + 25), 16-bit timestamp; header 0x68 = accel +
 * gyro + ODR timestamp; −32768 marks an invalid sample), and the user bank 0 register map: DEVICE_CONFIG
 * 0x11 SOFT_RESET_CONFIG, FIFO_CONFIG 0x16 (FIFO_MODE 10 = STOP-on-FULL), INT_STATUS 0x2D (FIFO_FULL_INT bit 1,
 * clear on read), FIFO_COUNTH/L 0x2E–0x2F, FIFO_DATA 0x30, SIGNAL_PATH_RESET 0x4B FIFO_FLUSH, INTF_CONFIG0
 * 0x4C (0x30: count in bytes, big-endian count and data), PWR_MGMT0 0x4E (0x0F: gyro and accel low-noise),
 * GYRO_CONFIG0 0x4F / ACCEL_CONFIG0 0x50 (FS_SEL bits 7:5, ODR bits 3:0), TMST_CONFIG 0x54 (left at its reset
 * value 0x23: timestamps on, 1 µs resolution, absolute rather than delta), FIFO_CONFIG1 0x5F (accel, gyro,
 * temperature into the FIFO), WHO_AM_I 0x75 = 0x47.
 *
 * Options: `odrHz` 25, 50, 100, 200, 500, 1000, 2000 (the datasheet's ODR codes; 4–32 kHz are left out because
 * a 400 kHz I²C bus cannot carry 16-byte packets that fast); `gyroRangeDps` 15.625–2000 (16.4 LSB/(°/s) at
 * ±2000 … 2097.2 at ±15.625); `accelRangeG` 2, 4, 8, 16 (16384 … 2048 LSB/g).
 *
 * Device clock: the FIFO timestamp (TMST, 1 µs, 16 bits, wraps every 65.536 ms), unwrapped between consecutive
 * packets (≤ 40 ms apart at 25 Hz). After an overflow the wrap count is resynchronised from the host time
 * elapsed. Packets whose timestamp does not advance are SampleErrors.
 */
import { SampleError } from '../types.js';
import type { ImuInfo, ImuSample } from '../types.js';
import type { I2cBus } from './bus.js';
import { WrappingTimestamp } from './device-clock.js';
import { I2cDevice, be16, fifoPollMs, ube16 } from './i2c-device.js';
import type { I2cDeviceOptions } from './i2c-device.js';
import { DEG_TO_RAD, G_MPS2, imuInfo, pick } from './imu-common.js';
import type { Vec3 } from './imu-common.js';
import type { ImuScale } from './mpu6050.js';

export const ICM_REG = Object.freeze({
  DEVICE_CONFIG: 0x11,
  FIFO_CONFIG: 0x16,
  INT_STATUS: 0x2d,
  FIFO_COUNTH: 0x2e,
  FIFO_DATA: 0x30,
  SIGNAL_PATH_RESET: 0x4b,
  INTF_CONFIG0: 0x4c,
  PWR_MGMT0: 0x4e,
  GYRO_CONFIG0: 0x4f,
  ACCEL_CONFIG0: 0x50,
  TMST_CONFIG: 0x54,
  FIFO_CONFIG1: 0x5f,
  WHO_AM_I: 0x75,
  REG_BANK_SEL: 0x76,
});
export const ICM42688P_WHO_AM_I = 0x47;
export const ICM_FIFO_BYTES = 2048;
export const ICM_PACKET3_BYTES = 16;
export const ICM_PACKET3_HEADER = 0x68;
export const ICM_FIFO_FULL_INT = 0x02;

/** ODR code (GYRO_CONFIG0/ACCEL_CONFIG0 bits 3:0) by rate, Hz. */
export const ICM_ODR_CODE: Readonly<Record<number, number>> = Object.freeze({ 2000: 0x5, 1000: 0x6, 500: 0xf, 200: 0x7, 100: 0x8, 50: 0x9, 25: 0xa });
/** GYRO_FS_SEL by full scale °/s, and LSB per °/s (§3.1). */
export const ICM_GYRO_FS: Readonly<Record<number, { code: number; lsbPerDps: number }>> = Object.freeze({
  2000: { code: 0, lsbPerDps: 16.4 },
  1000: { code: 1, lsbPerDps: 32.8 },
  500: { code: 2, lsbPerDps: 65.5 },
  250: { code: 3, lsbPerDps: 131 },
  125: { code: 4, lsbPerDps: 262 },
  62.5: { code: 5, lsbPerDps: 524.3 },
  31.25: { code: 6, lsbPerDps: 1048.6 },
  15.625: { code: 7, lsbPerDps: 2097.2 },
});
/** ACCEL_FS_SEL by full scale g, and LSB per g (§3.2). */
export const ICM_ACCEL_FS: Readonly<Record<number, { code: number; lsbPerG: number }>> = Object.freeze({
  16: { code: 0, lsbPerG: 2048 },
  8: { code: 1, lsbPerG: 4096 },
  4: { code: 2, lsbPerG: 8192 },
  2: { code: 3, lsbPerG: 16384 },
});

export interface IcmOptions extends I2cDeviceOptions {
  /** Default 200 Hz. */
  readonly odrHz?: number;
  /** Default 2000 °/s. */
  readonly gyroRangeDps?: number;
  /** Default 16 g. */
  readonly accelRangeG?: number;
}

export interface IcmPacket {
  /** Offset of the packet in the FIFO stream. */
  readonly byteOffset: number;
  readonly accelMps2: Vec3;
  readonly gyroRadps: Vec3;
  readonly tempC: number;
  /** Raw 16-bit timestamp, µs. */
  readonly tmst: number;
}

/**
 * Decodes FIFO bytes as packet-3 records. A packet whose header is not 0x68 (ignoring the ODR-change bits 1:0)
 * ends the decode (the alignment is lost: the caller flushes the FIFO); a packet holding −32768 (invalid
 * sample) is skipped. Errors name the device and the stream byte offset.
 */
export function decodeIcmPackets(deviceId: string, bytes: Uint8Array, scale: ImuScale, streamOffset: number): { packets: IcmPacket[]; errors: SampleError[]; misaligned: boolean } {
  const packets: IcmPacket[] = [];
  const errors: SampleError[] = [];
  for (let o = 0; o + ICM_PACKET3_BYTES <= bytes.length; o += ICM_PACKET3_BYTES) {
    const at = streamOffset + o;
    const header = bytes[o] ?? 0;
    if ((header & 0xfc) !== ICM_PACKET3_HEADER) {
      errors.push(new SampleError(deviceId, { byteOffset: at }, `FIFO header 0x${header.toString(16).padStart(2, '0')} is not packet 3 (0x68: accel + gyro + timestamp); FIFO flushed`));
      return { packets, errors, misaligned: true };
    }
    const raw = [0, 1, 2, 3, 4, 5].map((k) => be16(bytes, o + 1 + 2 * k));
    if (raw.includes(-32768)) {
      errors.push(new SampleError(deviceId, { byteOffset: at }, 'FIFO packet marked invalid (−32768: sensor not ready)'));
      continue;
    }
    const t = bytes[o + 13] ?? 0;
    packets.push({
      byteOffset: at,
      accelMps2: [0, 1, 2].map((k) => (raw[k] ?? 0) * scale.accelMps2PerLsb) as Vec3,
      gyroRadps: [3, 4, 5].map((k) => (raw[k] ?? 0) * scale.gyroRadpsPerLsb) as Vec3,
      tempC: (t >= 128 ? t - 256 : t) / 2.07 + 25,
      tmst: ube16(bytes, o + 14),
    });
  }
  const rest = bytes.length % ICM_PACKET3_BYTES;
  if (rest !== 0) errors.push(new SampleError(deviceId, { byteOffset: streamOffset + bytes.length - rest }, `${rest} bytes of a partial 16-byte FIFO packet`));
  return { packets, errors, misaligned: false };
}

export class Icm42688pImu extends I2cDevice<ImuInfo, ImuSample> {
  readonly odrHz: number;
  readonly gyroRangeDps: number;
  readonly accelRangeG: number;
  readonly scale: ImuScale;
  #stamp = new WrappingTimestamp(16, 1000);
  #lastDeviceNs = -1n;
  #fifoOffset = 0;
  #lastPollHostNs = 0n;

  constructor(options: IcmOptions) {
    const table = 'ICM-42688-P DS-000347 GYRO_CONFIG0/ACCEL_CONFIG0';
    const odrHz = pick(options.id, 'odrHz', options.odrHz, Object.keys(ICM_ODR_CODE).map(Number), 200, `${table} ODR, up to 2 kHz on I²C`);
    super(imuInfo(options.id, 'icm42688p', options.bus, options.address, odrHz, false), options);
    this.odrHz = odrHz;
    this.gyroRangeDps = pick(options.id, 'gyroRangeDps', options.gyroRangeDps, Object.keys(ICM_GYRO_FS).map(Number), 2000, `${table} GYRO_FS_SEL`);
    this.accelRangeG = pick(options.id, 'accelRangeG', options.accelRangeG, Object.keys(ICM_ACCEL_FS).map(Number), 16, `${table} ACCEL_FS_SEL`);
    this.scale = {
      gyroRadpsPerLsb: DEG_TO_RAD / (ICM_GYRO_FS[this.gyroRangeDps]?.lsbPerDps ?? 16.4),
      accelMps2PerLsb: G_MPS2 / (ICM_ACCEL_FS[this.accelRangeG]?.lsbPerG ?? 2048),
    };
  }

  protected async setup(bus: I2cBus): Promise<ImuInfo> {
    const a = this.address;
    const w = (reg: number, v: number): Promise<void> => bus.writeRegister(a, reg, [v]);
    await w(ICM_REG.REG_BANK_SEL, 0);
    await this.expectId(bus, ICM_REG.WHO_AM_I, 'WHO_AM_I', [ICM42688P_WHO_AM_I], 'ICM-42688-P');
    await w(ICM_REG.DEVICE_CONFIG, 0x01); // SOFT_RESET_CONFIG; wait 1 ms
    await bus.delay(2);
    await bus.readRegister(a, ICM_REG.INT_STATUS, 1); // clears RESET_DONE_INT
    await w(ICM_REG.INTF_CONFIG0, 0x30);
    const odr = ICM_ODR_CODE[this.odrHz] ?? 0x7;
    await w(ICM_REG.GYRO_CONFIG0, ((ICM_GYRO_FS[this.gyroRangeDps]?.code ?? 0) << 5) | odr);
    await w(ICM_REG.ACCEL_CONFIG0, ((ICM_ACCEL_FS[this.accelRangeG]?.code ?? 0) << 5) | odr);
    await w(ICM_REG.FIFO_CONFIG1, 0x07); // FIFO_TEMP_EN | FIFO_GYRO_EN | FIFO_ACCEL_EN
    await w(ICM_REG.FIFO_CONFIG, 0x80); // STOP-on-FULL
    await w(ICM_REG.PWR_MGMT0, 0x0f); // gyro + accel low-noise mode; no writes for 200 µs, gyro starts in 30 ms
    await bus.delay(45);
    await this.#flush(bus);
    await bus.readRegister(a, ICM_REG.INT_STATUS, 1);
    this.#stamp = new WrappingTimestamp(16, 1000);
    this.#lastDeviceNs = -1n;
    this.#fifoOffset = 0;
    this.#lastPollHostNs = this.hostNow();
    return this.info;
  }

  protected defaultPollMs(): number {
    return fifoPollMs(ICM_FIFO_BYTES / ICM_PACKET3_BYTES, this.odrHz);
  }

  protected async pollChip(bus: I2cBus): Promise<void> {
    const a = this.address;
    const status = (await bus.readRegister(a, ICM_REG.INT_STATUS, 1))[0] ?? 0;
    if ((status & ICM_FIFO_FULL_INT) !== 0) {
      return this.#fifoFault(bus, 'FIFO full: INT_STATUS (0x2d) FIFO_FULL_INT set, samples after it lost (STOP-on-FULL); FIFO flushed');
    }
    const count = ube16(await bus.readRegister(a, ICM_REG.FIFO_COUNTH, 2), 0);
    if (count > ICM_FIFO_BYTES) return this.#fifoFault(bus, `FIFO_COUNT (0x2e) reads ${count}, more than the ${ICM_FIFO_BYTES}-byte FIFO holds; FIFO flushed`);
    const n = Math.floor(count / ICM_PACKET3_BYTES);
    if (n === 0) return;
    const bytes = await bus.readRegister(a, ICM_REG.FIFO_DATA, n * ICM_PACKET3_BYTES);
    const hostTimeNs = this.hostNow();
    this.#lastPollHostNs = hostTimeNs;
    const decoded = decodeIcmPackets(this.info.id, bytes, this.scale, this.#fifoOffset);
    this.#fifoOffset += bytes.length;
    let e = 0;
    for (const p of decoded.packets) {
      while (e < decoded.errors.length && (decoded.errors[e]?.where.byteOffset ?? 0) < p.byteOffset) this.pushSampleError(decoded.errors[e++] as SampleError);
      const deviceTimeNs = this.#stamp.next(p.tmst);
      if (deviceTimeNs <= this.#lastDeviceNs) {
        this.pushSampleError(new SampleError(this.info.id, { byteOffset: p.byteOffset }, `FIFO timestamp ${p.tmst} µs does not advance; packet dropped`));
        continue;
      }
      this.#lastDeviceNs = deviceTimeNs;
      this.push({ deviceTimeNs, hostTimeNs, gyroRadps: p.gyroRadps, accelMps2: p.accelMps2 });
    }
    for (; e < decoded.errors.length; e++) this.pushSampleError(decoded.errors[e] as SampleError);
    if (decoded.misaligned) {
      await this.#flush(bus);
      this.#stamp.resync(0n);
    }
  }

  async #fifoFault(bus: I2cBus, message: string): Promise<void> {
    const now = this.hostNow();
    this.pushSampleError(new SampleError(this.info.id, { byteOffset: this.#fifoOffset }, message));
    await this.#flush(bus);
    this.#stamp.resync(now - this.#lastPollHostNs);
    this.#lastPollHostNs = now;
  }

  async #flush(bus: I2cBus): Promise<void> {
    await bus.writeRegister(this.address, ICM_REG.SIGNAL_PATH_RESET, [0x02]); // FIFO_FLUSH
  }

  protected override async shutdown(bus: I2cBus): Promise<void> {
    await bus.writeRegister(this.address, ICM_REG.PWR_MGMT0, [0x00]);
  }
}
