/**
 * KIMU v1, the framed binary protocol of IMUs attached through a microcontroller (spec:
 * `docs/serial-protocol.md`; firmware encoder: `hal/serial/firmware/karana_imu_frame.h`). This module holds
 * the wire constants, the CRC, the payload layouts and a TypeScript encoder (used by the emulators and tests;
 * the driver only decodes).
 *
 * Frame (little-endian):
 *
 * | offset | size | field |
 * |---|---|---|
 * | 0 | 2 | sync `0xA5 0x5A` |
 * | 2 | 1 | version = 1 |
 * | 3 | 1 | type: 0x01 INFO, 0x02 SAMPLE, 0x03 TEXT, 0x10 INFO_REQUEST (host → device) |
 * | 4 | 2 | sequence number, u16, +1 per frame from this sender |
 * | 6 | 1 | payload length n, 0..240 |
 * | 7 | n | payload |
 * | 7+n | 2 | CRC-16/CCITT-FALSE of bytes 2 .. 6+n (version through payload), u16 LE |
 *
 * CRC-16/CCITT-FALSE (catalogued as CRC-16/IBM-3740 in Greg Cook's "Catalogue of parametrised CRC
 * algorithms"): width 16, poly 0x1021, init 0xFFFF, refin false, refout false, xorout 0x0000,
 * check("123456789") = 0x29B1. Hamming distance 4 for frames up to 2,048 bytes, ample for ≤ 249.
 */
import { crc16CcittFalse } from '../live/crc16.js';

export const KIMU_SYNC0 = 0xa5;
export const KIMU_SYNC1 = 0x5a;
export const KIMU_VERSION = 1;
export const KIMU_MAX_PAYLOAD = 240;
/** Sync, version, type, sequence, length. */
export const KIMU_HEADER_BYTES = 7;
export const KIMU_CRC_BYTES = 2;

export const KIMU_TYPE = Object.freeze({ info: 0x01, sample: 0x02, text: 0x03, infoRequest: 0x10 });

/** Sample value widths (INFO `sampleFormat`). */
export const KIMU_FORMAT = Object.freeze({ int16: 1, int32: 2 });
export const KIMU_INFO_BYTES = 32;
/** INFO `flags` bit 0: samples carry a magnetometer triple. */
export const KIMU_FLAG_MAG = 1;

/** The INFO message: what a sample means. */
export interface KimuInfo {
  /** Device timestamp ticks per second (1_000_000 = µs). */
  readonly tickHz: number;
  /** Nominal sample rate, Hz (sent as mHz, u32). */
  readonly rateHz: number;
  readonly format: 'int16' | 'int32';
  readonly hasMagnetometer: boolean;
  /** rad/s per LSB (float32 on the wire). */
  readonly gyroScale: number;
  /** m/s² per LSB (float32). */
  readonly accelScale: number;
  /** µT per LSB (float32); 0 without a magnetometer. */
  readonly magScale: number;
  /** Sensor name, ASCII, ≤ 8 characters. */
  readonly name: string;
}

/** A decoded SAMPLE payload, raw integers. */
export interface KimuRawSample {
  readonly ticks: number;
  readonly gyro: readonly [number, number, number];
  readonly accel: readonly [number, number, number];
  readonly mag?: readonly [number, number, number];
}

/** CRC-16/CCITT-FALSE of the frame bytes after the sync word (shared with GDP: `hal/live/crc16.ts`). */
export { crc16CcittFalse };

/** Payload bytes of a SAMPLE with this INFO. */
export function samplePayloadBytes(info: Pick<KimuInfo, 'format' | 'hasMagnetometer'>): number {
  const width = info.format === 'int16' ? 2 : 4;
  return 4 + width * (info.hasMagnetometer ? 9 : 6);
}

/** One whole frame around `payload`. @throws RangeError for a payload over 240 bytes or a bad type/sequence. */
export function encodeFrame(type: number, seq: number, payload: Uint8Array): Buffer {
  if (payload.length > KIMU_MAX_PAYLOAD) throw new RangeError(`KIMU payload of ${payload.length} bytes exceeds ${KIMU_MAX_PAYLOAD}`);
  const out = Buffer.alloc(KIMU_HEADER_BYTES + payload.length + KIMU_CRC_BYTES);
  out[0] = KIMU_SYNC0;
  out[1] = KIMU_SYNC1;
  out[2] = KIMU_VERSION;
  out.writeUInt8(type, 3);
  out.writeUInt16LE(seq & 0xffff, 4);
  out[6] = payload.length;
  out.set(payload, KIMU_HEADER_BYTES);
  out.writeUInt16LE(crc16CcittFalse(out, 2, KIMU_HEADER_BYTES + payload.length), KIMU_HEADER_BYTES + payload.length);
  return out;
}

/** INFO payload (32 bytes). */
export function encodeInfo(info: KimuInfo): Buffer {
  const p = Buffer.alloc(KIMU_INFO_BYTES);
  p.writeUInt32LE(info.tickHz, 0);
  p.writeUInt32LE(Math.round(info.rateHz * 1000), 4);
  p[8] = info.format === 'int16' ? KIMU_FORMAT.int16 : KIMU_FORMAT.int32;
  p[9] = info.hasMagnetometer ? KIMU_FLAG_MAG : 0;
  p.writeFloatLE(info.gyroScale, 12);
  p.writeFloatLE(info.accelScale, 16);
  p.writeFloatLE(info.magScale, 20);
  p.write(info.name.slice(0, 8), 24, 'latin1');
  return p;
}

/** Reads an INFO payload; a string saying what is wrong when it is not one. */
export function decodeInfo(p: Buffer): KimuInfo | string {
  if (p.length !== KIMU_INFO_BYTES) return `INFO payload is ${p.length} bytes, expected ${KIMU_INFO_BYTES}`;
  const tickHz = p.readUInt32LE(0);
  const rateMilliHz = p.readUInt32LE(4);
  const formatCode = p[8];
  const flags = p[9] as number;
  const gyroScale = p.readFloatLE(12);
  const accelScale = p.readFloatLE(16);
  const magScale = p.readFloatLE(20);
  if (tickHz === 0) return 'INFO tickHz is 0';
  if (rateMilliHz === 0) return 'INFO rate is 0';
  if (formatCode !== KIMU_FORMAT.int16 && formatCode !== KIMU_FORMAT.int32) return `INFO sampleFormat ${String(formatCode)} is neither 1 (int16) nor 2 (int32)`;
  const hasMagnetometer = (flags & KIMU_FLAG_MAG) !== 0;
  for (const [name, v] of [['gyroScale', gyroScale], ['accelScale', accelScale]] as const) {
    if (!Number.isFinite(v) || v <= 0) return `INFO ${name} ${v} is not a positive finite number`;
  }
  if (hasMagnetometer && (!Number.isFinite(magScale) || magScale <= 0)) return `INFO magScale ${magScale} is not a positive finite number`;
  const nameEnd = p.indexOf(0, 24);
  const name = p.toString('latin1', 24, nameEnd >= 24 && nameEnd < 32 ? nameEnd : 32);
  return { tickHz, rateHz: rateMilliHz / 1000, format: formatCode === 1 ? 'int16' : 'int32', hasMagnetometer, gyroScale, accelScale, magScale: hasMagnetometer ? magScale : 0, name };
}

/** SAMPLE payload; values must fit the format (RangeError otherwise). */
export function encodeSample(info: Pick<KimuInfo, 'format' | 'hasMagnetometer'>, s: KimuRawSample): Buffer {
  const p = Buffer.alloc(samplePayloadBytes(info));
  p.writeUInt32LE(s.ticks >>> 0, 0);
  const values = [...s.gyro, ...s.accel, ...(info.hasMagnetometer ? (s.mag ?? [0, 0, 0]) : [])];
  values.forEach((v, i) => (info.format === 'int16' ? p.writeInt16LE(v, 4 + 2 * i) : p.writeInt32LE(v, 4 + 4 * i)));
  return p;
}

/** Reads a SAMPLE payload of the size {@link samplePayloadBytes} gives (checked by the caller). */
export function decodeSample(info: Pick<KimuInfo, 'format' | 'hasMagnetometer'>, p: Buffer): KimuRawSample {
  const int16 = info.format === 'int16';
  const v = (i: number): number => (int16 ? p.readInt16LE(4 + 2 * i) : p.readInt32LE(4 + 4 * i));
  const sample = { ticks: p.readUInt32LE(0), gyro: [v(0), v(1), v(2)] as const, accel: [v(3), v(4), v(5)] as const };
  return info.hasMagnetometer ? { ...sample, mag: [v(6), v(7), v(8)] as const } : sample;
}
