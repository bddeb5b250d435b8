/**
 * The allow-list of commands the XREAL driver may send. SAFETY: the glasses' firmware accepts commands that
 * rewrite its calibration (IMU 0x16–0x18) and its firmware (MCU 0x3E–0x41, the updater's), and people have
 * bricked glasses by sending unknown ones. So every command goes through {@link buildXrealCommand}: its
 * (interface, message id) must be on {@link XREAL_ALLOWED_COMMANDS} and its payload must pass the entry's
 * validator, or it throws {@link XrealCommandRefused} before any byte reaches the device.
 *
 * The allowed set is what the open drivers use to read the IMU (Monado, ar-drivers-rs): stream on/off,
 * calibration reads, static id; and on the MCU: read/write brightness (0–7) and display mode (1 = 2D
 * 1920×1080, 3 = 3D side-by-side 3840×1080), read serial number and firmware version.
 */
import { BRIGHTNESS_MAX, DISPLAY_MODE, IMU_MSG, MCU_MSG, encodeImuPacket, encodeMcuPacket } from './xreal-protocol.js';

export type XrealInterface = 'imu' | 'mcu';

export interface XrealCommand {
  readonly name: string;
  readonly iface: XrealInterface;
  readonly msgId: number;
  /** Undefined when the payload is acceptable, else why not. */
  readonly validate: (payload: Uint8Array) => string | undefined;
}

const empty = (p: Uint8Array): string | undefined => (p.length === 0 ? undefined : `takes no payload, got ${p.length} byte(s)`);
const oneOf =
  (allowed: readonly number[], what: string) =>
  (p: Uint8Array): string | undefined =>
    p.length === 1 && allowed.includes(p[0] as number) ? undefined : `takes one byte, ${what}; got [${Array.from(p).join(', ')}]`;

/** Every command the driver may send, by name. */
export const XREAL_ALLOWED_COMMANDS: readonly XrealCommand[] = Object.freeze([
  { name: 'imu.stream', iface: 'imu', msgId: IMU_MSG.startImuData, validate: oneOf([0, 1], '0 (stop) or 1 (start)') },
  { name: 'imu.calibrationLength', iface: 'imu', msgId: IMU_MSG.getCalibrationLength, validate: empty },
  { name: 'imu.calibrationSegment', iface: 'imu', msgId: IMU_MSG.getCalibrationSegment, validate: empty },
  { name: 'imu.staticId', iface: 'imu', msgId: IMU_MSG.getStaticId, validate: empty },
  { name: 'mcu.readBrightness', iface: 'mcu', msgId: MCU_MSG.readBrightness, validate: empty },
  { name: 'mcu.writeBrightness', iface: 'mcu', msgId: MCU_MSG.writeBrightness, validate: oneOf(Array.from({ length: BRIGHTNESS_MAX + 1 }, (_, i) => i), `a brightness 0..${BRIGHTNESS_MAX}`) },
  { name: 'mcu.readDisplayMode', iface: 'mcu', msgId: MCU_MSG.readDisplayMode, validate: empty },
  { name: 'mcu.writeDisplayMode', iface: 'mcu', msgId: MCU_MSG.writeDisplayMode, validate: oneOf(Object.values(DISPLAY_MODE), '1 (2D) or 3 (3D side-by-side)') },
  { name: 'mcu.readSerial', iface: 'mcu', msgId: MCU_MSG.readSerial, validate: empty },
  { name: 'mcu.readFirmwareVersion', iface: 'mcu', msgId: MCU_MSG.readFirmwareVersion, validate: empty },
] satisfies XrealCommand[]);

/** Thrown, before anything is written, for a command that is not allowed. */
export class XrealCommandRefused extends Error {
  override readonly name = 'XrealCommandRefused';
}

/**
 * The packet bytes of an allowed command.
 * @param command a name from {@link XREAL_ALLOWED_COMMANDS} (`'mcu.writeDisplayMode'`) or `{ iface, msgId }`.
 * @throws XrealCommandRefused for a command off the list or a payload its validator rejects.
 */
export function buildXrealCommand(command: string | { iface: XrealInterface; msgId: number }, payload: Uint8Array = new Uint8Array(0)): { entry: XrealCommand; packet: Buffer } {
  const entry =
    typeof command === 'string'
      ? XREAL_ALLOWED_COMMANDS.find((c) => c.name === command)
      : XREAL_ALLOWED_COMMANDS.find((c) => c.iface === command.iface && c.msgId === command.msgId);
  const label = typeof command === 'string' ? JSON.stringify(command) : `${command.iface} message 0x${command.msgId.toString(16)}`;
  if (entry === undefined) {
    throw new XrealCommandRefused(
      `XREAL command ${label} is not on the allow-list and was not sent: unknown commands have bricked glasses (calibration and firmware writes among them). Allowed: ${XREAL_ALLOWED_COMMANDS.map((c) => c.name).join(', ')}`,
    );
  }
  const problem = entry.validate(payload);
  if (problem !== undefined) throw new XrealCommandRefused(`XREAL command ${entry.name} ${problem}; not sent`);
  return { entry, packet: entry.iface === 'imu' ? encodeImuPacket(entry.msgId, payload) : encodeMcuPacket(entry.msgId, payload) };
}
