/**
 * BNO08x UART-RVC frame generator fed by a real recording with a reference attitude (BROAD trials,
 * `../shared/data/imu_broad`, 285.714 Hz, optical-motion-capture quaternion + IMU accelerometer; CC BY 4.0,
 * Laidig et al., Data 2021): what a BNO085 strapped to that body would have sent at 100 Hz.
 *
 * For frame k (t = k × 10 ms from the recording start) the recording row nearest in time is encoded, no
 * interpolation: the reference quaternion as yaw/pitch/roll (z-y′-x″, `yprDegFromQuaternion`) in 0.01° and
 * the measured acceleration in mg, rounded (the format's quantisation: ±0.005°, ±0.5 mg). Rows whose
 * reference is NaN (markers occluded) are not sent and their index is skipped, as frames lost on the line.
 * Frame layout and checksum: `hal/serial/rvc-decoder.ts` (CEVA 1000-3927 §1.4.2).
 */
import { RVC_ACCEL_MPS2_PER_LSB, RVC_ANGLE_DEG_PER_LSB, RVC_FRAME_BYTES, RVC_RATE_HZ } from '../../../hal/serial/rvc-decoder.js';
import { yprDegFromQuaternion } from '../../../hal/serial/rvc-imu.js';
import type { TimedBlock } from './mock-serial.js';
import type { ImuRecording } from './recordings.js';

/** What one emitted frame holds, and which recording row it came from. */
export interface RvcEmitted {
  readonly frame: number;
  readonly row: number;
  readonly index: number;
  readonly yaw: number;
  readonly pitch: number;
  readonly roll: number;
  readonly accelMg: readonly [number, number, number];
}

const clamp16 = (v: number): number => Math.max(-32768, Math.min(32767, Math.round(v)));

/** The 19 bytes of one RVC frame (values are clamped to int16). */
export function encodeRvcFrame(index: number, yaw: number, pitch: number, roll: number, accelMg: readonly [number, number, number]): Buffer {
  const f = Buffer.alloc(RVC_FRAME_BYTES);
  f[0] = 0xaa;
  f[1] = 0xaa;
  f[2] = index & 0xff;
  f.writeInt16LE(clamp16(yaw), 3);
  f.writeInt16LE(clamp16(pitch), 5);
  f.writeInt16LE(clamp16(roll), 7);
  f.writeInt16LE(clamp16(accelMg[0]), 9);
  f.writeInt16LE(clamp16(accelMg[1]), 11);
  f.writeInt16LE(clamp16(accelMg[2]), 13);
  let sum = 0;
  for (let i = 2; i < 18; i++) sum += f[i] as number;
  f[18] = sum & 0xff;
  return f;
}

/** RVC frames of a recording with `refWxyz`; at most `maxFrames` frame slots (default: the whole recording). */
export function rvcFramesFromRecording(rec: ImuRecording, maxFrames = Number.POSITIVE_INFINITY): { blocks: TimedBlock[]; emitted: RvcEmitted[] } {
  const ref = rec.refWxyz;
  if (ref === undefined) throw new Error(`${rec.path}: the RVC emulator needs a recording with a reference attitude (opt_quat_*)`);
  const durationS = (rec.tS[rec.n - 1] as number) - (rec.tS[0] as number);
  const slots = Math.min(maxFrames, Math.floor(durationS * RVC_RATE_HZ) + 1);
  const blocks: TimedBlock[] = [];
  const emitted: RvcEmitted[] = [];
  for (let k = 0; k < slots; k++) {
    const tS = k / RVC_RATE_HZ;
    const row = Math.min(rec.n - 1, Math.round(tS * rec.rateHz));
    const q = [ref[4 * row], ref[4 * row + 1], ref[4 * row + 2], ref[4 * row + 3]] as [number, number, number, number];
    if (!q.every(Number.isFinite)) continue;
    const norm = Math.hypot(...q);
    const [yawDeg, pitchDeg, rollDeg] = yprDegFromQuaternion([q[0] / norm, q[1] / norm, q[2] / norm, q[3] / norm]);
    const e: RvcEmitted = {
      frame: k,
      row,
      index: k & 0xff,
      yaw: clamp16(yawDeg / RVC_ANGLE_DEG_PER_LSB),
      pitch: clamp16(pitchDeg / RVC_ANGLE_DEG_PER_LSB),
      roll: clamp16(rollDeg / RVC_ANGLE_DEG_PER_LSB),
      accelMg: [0, 1, 2].map((i) => clamp16((rec.accelMps2[3 * row + i] as number) / RVC_ACCEL_MPS2_PER_LSB)) as [number, number, number],
    };
    emitted.push(e);
    blocks.push({ tS, bytes: encodeRvcFrame(e.index, e.yaw, e.pitch, e.roll, e.accelMg) });
  }
  return { blocks, emitted };
}
