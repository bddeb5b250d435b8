/**
 * XREAL Air / Air 2 / Air 2 Pro USB HID protocol: ids, interfaces and the two command packet formats.
 *
 * Sources (read, not copied; no vendor document is public): Monado `src/xrt/drivers/xreal_air/`
 * (`xreal_air_hmd.h` message ids, `xreal_air_hmd.c` packet builders, `xreal_air_packet.c` parsers; BSL-1.0,
 * T. Frisch), ar-drivers-rs `src/nreal_air.rs` (MIT, A. Badics) and XRLinuxDriver `src/devices/xreal.c`
 * (PIDs). USB VID 0x3318; PIDs 0x0424 Air, 0x0428 Air 2, 0x0432 Air 2 Pro (XRLinuxDriver `device_pid_*`).
 *
 * Interfaces: 3 = IMU (sensor reports at ~1 kHz, and command packets headed 0xAA), 4 = MCU/control
 * (display mode, brightness, buttons; packets headed 0xFD). Every command packet carries a CRC-32 (the
 * zlib/ISO-HDLC CRC: poly 0x04C11DB7 reflected, init and xorout 0xFFFFFFFF; Monado `crc32_checksum`) of the
 * bytes from offset 5 for `length` bytes, stored little-endian at offset 1:
 *
 * IMU-interface packet (Monado `send_payload_to_sensor`):
 *   0: 0xAA | 1: CRC-32 u32 | 5: length u16 = 3 + n | 7: message id u8 | 8: payload (n bytes)
 * MCU packet (Monado `send_payload_to_control`, ar-drivers `McuRawPacket`):
 *   0: 0xFD | 1: CRC-32 u32 | 5: length u16 = 17 + n | 7: timestamp u64 | 15: message id u16 | 17: reserved (5)
 *   | 22: payload (n bytes); replies start their payload with a status byte (0 = ok) then the value.
 * hidapi: the host prefixes each write with a report-id byte 0x00 (the glasses use no numbered reports; the
 * kernel's usbhid drops a leading zero), and reads come without it.
 */
import { crc32 } from 'node:zlib';

export const XREAL_VID = 0x3318;
export const XREAL_IMU_INTERFACE = 3;
export const XREAL_MCU_INTERFACE = 4;
/** HID report size of both interfaces on the Air (the IMU report layout fills 64 bytes). */
export const XREAL_REPORT_BYTES = 64;

export const XREAL_PIDS = Object.freeze({ air: 0x0424, air2: 0x0428, air2Pro: 0x0432 });

export const IMU_HEAD = 0xaa;
export const MCU_HEAD = 0xfd;
/** First byte of an IMU sensor report (Monado `xreal_air_parse_sensor_packet`). */
export const SENSOR_REPORT_HEAD = 0x01;

/** IMU-interface message ids (Monado `XREAL_AIR_MSG_*`, interface 3). */
export const IMU_MSG = Object.freeze({
  getCalibrationLength: 0x14,
  getCalibrationSegment: 0x15,
  /** Writes device calibration: never sent (not on the allow-list). */
  allocateCalibrationBuffer: 0x16,
  writeCalibrationSegment: 0x17,
  freeCalibrationBuffer: 0x18,
  /** Payload 1 byte: 1 = stream IMU reports, 0 = stop. */
  startImuData: 0x19,
  getStaticId: 0x1a,
});

/** MCU message ids (Monado `XREAL_AIR_MSG_R/W/P_*`, ar-drivers; interface 4). */
export const MCU_MSG = Object.freeze({
  readBrightness: 0x03,
  writeBrightness: 0x04,
  readDisplayMode: 0x07,
  writeDisplayMode: 0x08,
  readSerial: 0x15,
  readFirmwareVersion: 0x26,
  /** Pushed by the glasses. */
  heartbeatStart: 0x6c02,
  displayToggled: 0x6c04,
  buttonPressed: 0x6c05,
  asyncTextLog: 0x6c09,
  heartbeatEnd: 0x6c12,
});

/** Display modes the allow-list accepts (Monado `XREAL_AIR_DISPLAY_MODE_2D/3D`; ar-drivers modes 1, 3). */
export const DISPLAY_MODE = Object.freeze({ '2d': 0x01, '3d': 0x03 });
export const BRIGHTNESS_MAX = 7;

/** CRC-32 (zlib) of `bytes`. */
export function xrealCrc32(bytes: Uint8Array): number {
  return crc32(bytes) >>> 0;
}

/** An IMU-interface command packet (report-sized, zero-padded). */
export function encodeImuPacket(msgId: number, payload: Uint8Array = new Uint8Array(0)): Buffer {
  const length = 3 + payload.length;
  const out = Buffer.alloc(Math.max(XREAL_REPORT_BYTES, 5 + length));
  out[0] = IMU_HEAD;
  out.writeUInt16LE(length, 5);
  out[7] = msgId;
  out.set(payload, 8);
  out.writeUInt32LE(xrealCrc32(out.subarray(5, 5 + length)), 1);
  return out;
}

/** An MCU command packet (report-sized, zero-padded); `timestampNs` may stay 0 (Monado sends 0). */
export function encodeMcuPacket(msgId: number, payload: Uint8Array = new Uint8Array(0), timestampNs = 0n): Buffer {
  const length = 17 + payload.length;
  const out = Buffer.alloc(Math.max(XREAL_REPORT_BYTES, 5 + length));
  out[0] = MCU_HEAD;
  out.writeUInt16LE(length, 5);
  out.writeBigUInt64LE(timestampNs, 7);
  out.writeUInt16LE(msgId, 15);
  out.set(payload, 22);
  out.writeUInt32LE(xrealCrc32(out.subarray(5, 5 + length)), 1);
  return out;
}

/** A decoded command packet (a reply or a device push). */
export interface CommandPacket {
  readonly head: number;
  readonly msgId: number;
  readonly payload: Buffer;
}

/**
 * Decodes an IMU-interface (0xAA) or MCU (0xFD) packet, checking its length and CRC-32.
 * @returns the packet, or a string saying what is wrong and at which byte offset of the report.
 */
export function decodeCommandPacket(report: Uint8Array): CommandPacket | string {
  const b = Buffer.from(report.buffer, report.byteOffset, report.byteLength);
  const head = b[0];
  if (head !== IMU_HEAD && head !== MCU_HEAD) return `byte 0: 0x${(head ?? 0).toString(16)} is not a command packet head (0xaa, 0xfd)`;
  if (b.length < 8) return `byte ${b.length}: packet of ${b.length} bytes is truncated (header needs 8)`;
  const length = b.readUInt16LE(5);
  const minimum = head === IMU_HEAD ? 3 : 17;
  if (length < minimum || 5 + length > b.length) return `byte 5: length ${length} does not fit a ${b.length}-byte report (minimum ${minimum})`;
  const sent = b.readUInt32LE(1);
  const computed = xrealCrc32(b.subarray(5, 5 + length));
  if (sent !== computed) return `byte 1: CRC-32 mismatch: packet says 0x${sent.toString(16).padStart(8, '0')}, bytes 5..${4 + length} give 0x${computed.toString(16).padStart(8, '0')}`;
  return head === IMU_HEAD
    ? { head, msgId: b[7] as number, payload: Buffer.from(b.subarray(8, 5 + length)) }
    : { head, msgId: b.readUInt16LE(15), payload: Buffer.from(b.subarray(22, 5 + length)) };
}
