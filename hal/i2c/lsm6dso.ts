/**
 * ST LSM6DSO / LSM6DSOX on I²C: tagged-FIFO driver with the chip's own timestamps.
 *
 * Sources: LSM6DSO datasheet DS12140 and LSM6DSOX datasheet DS13050 (same registers for what is used here:
 * mechanical characteristics table — linear acceleration sensitivity 0.061/0.122/0.244/0.488 mg/LSB at
 * ±2/4/8/16 g, angular rate sensitivity 4.375/8.75/17.50/35/70 mdps/LSB at ±125/250/500/1000/2000 dps; register
 * description: WHO_AM_I 0x0F = 0x6C, CTRL1_XL 0x10 (ODR_XL 7:4, FS_XL 3:2 with 00 = 2 g, 01 = 16 g, 10 = 4 g,
 * 11 = 8 g), CTRL2_G 0x11 (ODR_G 7:4, FS_G 3:2, FS_125 bit 1), CTRL3_C 0x12 (BDU, IF_INC, SW_RESET),
 * CTRL10_C 0x19 TIMESTAMP_EN, FIFO_CTRL3 0x09 BDR_GY/BDR_XL, FIFO_CTRL4 0x0A (DEC_TS_BATCH 7:6, FIFO_MODE 2:0:
 * 000 bypass, 110 continuous), FIFO_STATUS1/2 0x3A–0x3B (DIFF_FIFO 9:0 in 7-byte words, FIFO_OVR_IA bit 6),
 * TIMESTAMP0–3 0x40–0x43, INTERNAL_FREQ_FINE 0x63, FIFO_DATA_OUT_TAG 0x78 + X/Y/Z 0x79–0x7E (the read pointer
 * wraps from 0x7E back to 0x78 so whole words burst out); application note AN5192 (FIFO tags: 0x01 gyroscope,
 * 0x02 accelerometer, 0x03 temperature, 0x04 timestamp, 0x05 configuration change; TAG_CNT bits 2:1 counts time
 * slots; timestamp resolution 25 µs, corrected by INTERNAL_FREQ_FINE: t_LSB = 1 / (40000 × (1 + 0.0015 ×
 * FREQ_FINE)) s). As Linux `st_lsm6dsx`, the driver does not check TAG_PARITY.
 *
 * Options: `odrHz` 26, 52, 104, 208, 416, 833, 1666 (ODR codes 2–8; the chip runs these at 6667 Hz / 2^n, so
 * 208 is 208.33 Hz — the info's `nominalRateHz` is the true figure); `gyroRangeDps` 125–2000; `accelRangeG`
 * 2, 4, 8, 16.
 *
 * Device clock: the timestamp word the chip batches before each time slot (DEC_TS_BATCH = 1), unwrapped from
 * 32 bits × t_LSB. A slot is emitted when its gyro and accel words (same TAG_CNT) are both in; a slot missing
 * one, an unknown tag, or a timestamp that does not advance is a SampleError at that word's stream offset.
 */
import { SampleError } from '../types.js';
import type { ImuInfo, ImuSample } from '../types.js';
import type { I2cBus } from './bus.js';
import { WrappingTimestamp } from './device-clock.js';
import { I2cDevice, fifoPollMs, le16 } from './i2c-device.js';
import type { I2cDeviceOptions } from './i2c-device.js';
import { DEG_TO_RAD, G_MPS2, imuInfo, pick } from './imu-common.js';
import type { Vec3 } from './imu-common.js';
import type { ImuScale } from './mpu6050.js';

export const LSM_REG = Object.freeze({
  FIFO_CTRL3: 0x09,
  FIFO_CTRL4: 0x0a,
  WHO_AM_I: 0x0f,
  CTRL1_XL: 0x10,
  CTRL2_G: 0x11,
  CTRL3_C: 0x12,
  CTRL10_C: 0x19,
  FIFO_STATUS1: 0x3a,
  INTERNAL_FREQ_FINE: 0x63,
  FIFO_DATA_OUT_TAG: 0x78,
});
export const LSM6DSO_WHO_AM_I = 0x6c;
export const LSM_WORD_BYTES = 7;
/** FIFO words the emulator holds (3 KB of 6-byte data). */
export const LSM_FIFO_WORDS = 512;
export const LSM_TAG = Object.freeze({ GYRO: 0x01, ACCEL: 0x02, TEMP: 0x03, TIMESTAMP: 0x04, CFG_CHANGE: 0x05 });
/** ODR code by table label, Hz. */
export const LSM_ODR_CODE: Readonly<Record<number, number>> = Object.freeze({ 26: 2, 52: 3, 104: 4, 208: 5, 416: 6, 833: 7, 1666: 8 });
export const LSM_GYRO_FS: Readonly<Record<number, { bits: number; mdpsPerLsb: number }>> = Object.freeze({
  125: { bits: 0x02, mdpsPerLsb: 4.375 },
  250: { bits: 0x00, mdpsPerLsb: 8.75 },
  500: { bits: 0x04, mdpsPerLsb: 17.5 },
  1000: { bits: 0x08, mdpsPerLsb: 35 },
  2000: { bits: 0x0c, mdpsPerLsb: 70 },
});
export const LSM_ACCEL_FS: Readonly<Record<number, { bits: number; mgPerLsb: number }>> = Object.freeze({
  2: { bits: 0x00, mgPerLsb: 0.061 },
  16: { bits: 0x04, mgPerLsb: 0.488 },
  4: { bits: 0x08, mgPerLsb: 0.122 },
  8: { bits: 0x0c, mgPerLsb: 0.244 },
});

/** The chip's actual rate for ODR code 2–8: 6666.67 Hz / 2^(10 − code), i.e. 40 kHz / (6 × 2^(10 − code)) (208 → 208.33 Hz). */
export function lsmRateHz(code: number): number {
  return 40000 / (6 * 2 ** (10 - code));
}

export interface LsmOptions extends I2cDeviceOptions {
  /** Default 208 (208.33 Hz). */
  readonly odrHz?: number;
  readonly gyroRangeDps?: number;
  readonly accelRangeG?: number;
}

export type LsmWord =
  | { readonly kind: 'timestamp'; readonly byteOffset: number; readonly ticks: number }
  | { readonly kind: 'gyro' | 'accel'; readonly byteOffset: number; readonly slot: number; readonly vec: Vec3 }
  | { readonly kind: 'other'; readonly byteOffset: number };

/** Decodes tagged FIFO words; an unknown tag is a SampleError and that word is skipped (words are fixed-size). */
export function decodeLsmWords(deviceId: string, bytes: Uint8Array, scale: ImuScale, streamOffset: number): { words: LsmWord[]; errors: SampleError[] } {
  const words: LsmWord[] = [];
  const errors: SampleError[] = [];
  for (let o = 0; o + LSM_WORD_BYTES <= bytes.length; o += LSM_WORD_BYTES) {
    const byteOffset = streamOffset + o;
    const tagByte = bytes[o] ?? 0;
    const tag = tagByte >> 3;
    const slot = (tagByte >> 1) & 3;
    if (tag === LSM_TAG.GYRO || tag === LSM_TAG.ACCEL) {
      const k = tag === LSM_TAG.GYRO ? scale.gyroRadpsPerLsb : scale.accelMps2PerLsb;
      words.push({ kind: tag === LSM_TAG.GYRO ? 'gyro' : 'accel', byteOffset, slot, vec: [le16(bytes, o + 1) * k, le16(bytes, o + 3) * k, le16(bytes, o + 5) * k] });
    } else if (tag === LSM_TAG.TIMESTAMP) {
      const ticks = ((bytes[o + 1] ?? 0) | ((bytes[o + 2] ?? 0) << 8) | ((bytes[o + 3] ?? 0) << 16)) + (bytes[o + 4] ?? 0) * 2 ** 24;
      words.push({ kind: 'timestamp', byteOffset, ticks });
    } else if (tag === LSM_TAG.TEMP || tag === LSM_TAG.CFG_CHANGE) {
      words.push({ kind: 'other', byteOffset });
    } else {
      errors.push(new SampleError(deviceId, { byteOffset }, `unknown FIFO tag 0x${tag.toString(16).padStart(2, '0')} (FIFO_DATA_OUT_TAG 0x78); word skipped`));
    }
  }
  const rest = bytes.length % LSM_WORD_BYTES;
  if (rest !== 0) errors.push(new SampleError(deviceId, { byteOffset: streamOffset + bytes.length - rest }, `${rest} bytes of a partial 7-byte FIFO word`));
  return { words, errors };
}

export class Lsm6dsoImu extends I2cDevice<ImuInfo, ImuSample> {
  readonly odrCode: number;
  readonly gyroRangeDps: number;
  readonly accelRangeG: number;
  readonly scale: ImuScale;
  #stamp = new WrappingTimestamp(32, 25_000);
  #tsNs: bigint | undefined;
  #lastNs = -1n;
  #slot: { slot: number; gyro?: Vec3; accel?: Vec3; byteOffset: number } | undefined;
  #fifoOffset = 0;
  #lastPollHostNs = 0n;

  constructor(options: LsmOptions) {
    const table = 'LSM6DSO DS12140';
    const odrHz = pick(options.id, 'odrHz', options.odrHz, Object.keys(LSM_ODR_CODE).map(Number), 208, `${table} ODR_XL/ODR_G`);
    const code = LSM_ODR_CODE[odrHz] ?? 5;
    super(imuInfo(options.id, 'lsm6dso', options.bus, options.address, lsmRateHz(code), false), options);
    this.odrCode = code;
    this.gyroRangeDps = pick(options.id, 'gyroRangeDps', options.gyroRangeDps, Object.keys(LSM_GYRO_FS).map(Number), 2000, `${table} FS_G/FS_125`);
    this.accelRangeG = pick(options.id, 'accelRangeG', options.accelRangeG, Object.keys(LSM_ACCEL_FS).map(Number), 16, `${table} FS_XL`);
    this.scale = {
      gyroRadpsPerLsb: ((LSM_GYRO_FS[this.gyroRangeDps]?.mdpsPerLsb ?? 70) / 1000) * DEG_TO_RAD,
      accelMps2PerLsb: ((LSM_ACCEL_FS[this.accelRangeG]?.mgPerLsb ?? 0.488) / 1000) * G_MPS2,
    };
  }

  protected async setup(bus: I2cBus): Promise<ImuInfo> {
    const a = this.address;
    const w = (reg: number, v: number): Promise<void> => bus.writeRegister(a, reg, [v]);
    await this.expectId(bus, LSM_REG.WHO_AM_I, 'WHO_AM_I', [LSM6DSO_WHO_AM_I], 'LSM6DSO/LSM6DSOX');
    await w(LSM_REG.CTRL3_C, 0x01); // SW_RESET
    await bus.delay(1);
    await w(LSM_REG.CTRL3_C, 0x44); // BDU | IF_INC
    const fine = (await bus.readRegister(a, LSM_REG.INTERNAL_FREQ_FINE, 1))[0] ?? 0;
    const freqFine = fine >= 128 ? fine - 256 : fine;
    this.#stamp = new WrappingTimestamp(32, 25_000 / (1 + 0.0015 * freqFine));
    await w(LSM_REG.CTRL1_XL, (this.odrCode << 4) | (LSM_ACCEL_FS[this.accelRangeG]?.bits ?? 0x04));
    await w(LSM_REG.CTRL2_G, (this.odrCode << 4) | (LSM_GYRO_FS[this.gyroRangeDps]?.bits ?? 0x0c));
    await w(LSM_REG.CTRL10_C, 0x20); // TIMESTAMP_EN
    await w(LSM_REG.FIFO_CTRL3, (this.odrCode << 4) | this.odrCode); // BDR_GY, BDR_XL = ODR
    await this.#restartFifo(bus);
    this.#tsNs = undefined;
    this.#lastNs = -1n;
    this.#slot = undefined;
    this.#fifoOffset = 0;
    this.#lastPollHostNs = this.hostNow();
    return this.info;
  }

  protected defaultPollMs(): number {
    return fifoPollMs(LSM_FIFO_WORDS / 3, this.info.nominalRateHz);
  }

  protected async pollChip(bus: I2cBus): Promise<void> {
    const a = this.address;
    const st = await bus.readRegister(a, LSM_REG.FIFO_STATUS1, 2);
    const status2 = st[1] ?? 0;
    if ((status2 & 0x40) !== 0) {
      const now = this.hostNow();
      this.pushSampleError(new SampleError(this.info.id, { byteOffset: this.#fifoOffset }, 'FIFO overrun: FIFO_STATUS2 (0x3b) FIFO_OVR_IA set, oldest words overwritten; FIFO restarted'));
      await this.#restartFifo(bus);
      this.#stamp.resync(now - this.#lastPollHostNs);
      this.#lastPollHostNs = now;
      this.#slot = undefined;
      this.#tsNs = undefined;
      return;
    }
    const words = (st[0] ?? 0) | ((status2 & 0x03) << 8);
    if (words === 0) return;
    const bytes = await bus.readRegister(a, LSM_REG.FIFO_DATA_OUT_TAG, words * LSM_WORD_BYTES);
    const hostTimeNs = this.hostNow();
    this.#lastPollHostNs = hostTimeNs;
    const decoded = decodeLsmWords(this.info.id, bytes, this.scale, this.#fifoOffset);
    this.#fifoOffset += bytes.length;
    const errors = [...decoded.errors];
    const flushErrorsBefore = (offset: number): void => {
      while (errors.length > 0 && (errors[0]?.where.byteOffset ?? 0) < offset) this.pushSampleError(errors.shift() as SampleError);
    };
    for (const word of decoded.words) {
      flushErrorsBefore(word.byteOffset);
      if (word.kind === 'timestamp') this.#tsNs = this.#stamp.next(word.ticks);
      else if (word.kind !== 'other') this.#take(word, hostTimeNs);
    }
    flushErrorsBefore(Number.POSITIVE_INFINITY);
  }

  #take(word: { kind: 'gyro' | 'accel'; slot: number; vec: Vec3; byteOffset: number }, hostTimeNs: bigint): void {
    const id = this.info.id;
    if (this.#slot !== undefined && this.#slot.slot !== word.slot) {
      this.pushSampleError(new SampleError(id, { byteOffset: this.#slot.byteOffset }, `time slot TAG_CNT ${this.#slot.slot} has ${this.#slot.gyro ? 'gyro' : 'accel'} but no ${this.#slot.gyro ? 'accel' : 'gyro'} word; dropped`));
      this.#slot = undefined;
    }
    const slot = (this.#slot ??= { slot: word.slot, byteOffset: word.byteOffset });
    if (word.kind === 'gyro') slot.gyro = word.vec;
    else slot.accel = word.vec;
    if (slot.gyro === undefined || slot.accel === undefined) return;
    this.#slot = undefined;
    const t = this.#tsNs;
    if (t === undefined || t <= this.#lastNs) {
      this.pushSampleError(new SampleError(id, { byteOffset: slot.byteOffset }, t === undefined ? 'time slot before any timestamp word; dropped' : `timestamp ${t} ns does not advance; slot dropped`));
      return;
    }
    this.#lastNs = t;
    this.push({ deviceTimeNs: t, hostTimeNs, gyroRadps: slot.gyro, accelMps2: slot.accel });
  }

  async #restartFifo(bus: I2cBus): Promise<void> {
    await bus.writeRegister(this.address, LSM_REG.FIFO_CTRL4, [0x00]); // bypass: empties the FIFO
    await bus.writeRegister(this.address, LSM_REG.FIFO_CTRL4, [0x46]); // DEC_TS_BATCH = 1, continuous mode
  }

  protected override async shutdown(bus: I2cBus): Promise<void> {
    await bus.writeRegister(this.address, LSM_REG.CTRL1_XL, [0x00]);
    await bus.writeRegister(this.address, LSM_REG.CTRL2_G, [0x00]);
  }
}
