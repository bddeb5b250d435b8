/**
 * BNO08x UART-RVC frames → {@link ImuSample}s: attitude quaternion from the Tait–Bryan angles, acceleration in
 * m/s², a device clock from the frame index, and an angular rate *derived* from consecutive attitudes (RVC
 * reports none).
 *
 * - Attitude: the data sheet (CEVA 1000-3927 §1.4.2) gives yaw, pitch, roll applied in that order (intrinsic
 *   z-y′-x″), so `q = q_z(yaw) ⊗ q_y(pitch) ⊗ q_x(roll)`, Hamilton `[w, x, y, z]`, rotating sensor-frame
 *   vectors into the sensor's world frame (z up, yaw 0 at power-up heading; RVC has no magnetometer
 *   heading). Quantisation: 0.01° per angle, so the attitude is within ~0.015° of the sensor's own.
 * - Acceleration: mg → m/s² (× 9.80665e-3), sensor frame, gravity included; quantisation 1 mg.
 * - Device clock: RVC frames carry no time, only an 8-bit index at the fixed 100 Hz output rate, so
 *   `deviceTimeNs = unwrapped index × 10 ms` (the sensor's output timer; its drift against the host is what
 *   the clock estimator measures). A gap in the index is a dropped frame; a gap of 256 frames or more (2.56 s)
 *   cannot be told from a smaller one.
 * - Angular rate: `ω = 2·log(q_prev⁻¹ ⊗ q) / Δt` (body frame, rad/s), the mean rate over the frame interval
 *   (centred half a frame, 5 ms, before the sample). Its quantisation follows from the angles': ±0.005° per
 *   angle over 10 ms is up to ~1.5 °/s (0.026 rad/s) per axis, so it is a coarse rate, good for motion
 *   detection and prediction, not for integration. The first frame after `open()` has no predecessor: its
 *   rate is reported as 0 (documented, not measured).
 */
import type { ImuSample } from '../types.js';
import { RVC_ACCEL_MPS2_PER_LSB, RVC_ANGLE_DEG_PER_LSB, RVC_RATE_HZ } from './rvc-decoder.js';
import type { RvcFrame } from './rvc-decoder.js';

export type Quaternion = readonly [number, number, number, number];

const DEG = Math.PI / 180;
const FRAME_NS = BigInt(Math.round(1e9 / RVC_RATE_HZ));

/** `q_z(yaw) ⊗ q_y(pitch) ⊗ q_x(roll)`, angles in degrees, Hamilton `[w, x, y, z]`. */
export function quaternionFromYprDeg(yawDeg: number, pitchDeg: number, rollDeg: number): Quaternion {
  const cy = Math.cos((yawDeg * DEG) / 2);
  const sy = Math.sin((yawDeg * DEG) / 2);
  const cp = Math.cos((pitchDeg * DEG) / 2);
  const sp = Math.sin((pitchDeg * DEG) / 2);
  const cr = Math.cos((rollDeg * DEG) / 2);
  const sr = Math.sin((rollDeg * DEG) / 2);
  return [cr * cp * cy + sr * sp * sy, sr * cp * cy - cr * sp * sy, cr * sp * cy + sr * cp * sy, cr * cp * sy - sr * sp * cy];
}

/** Yaw, pitch, roll (degrees, z-y′-x″) of a unit quaternion `[w, x, y, z]`: the inverse of {@link quaternionFromYprDeg}. */
export function yprDegFromQuaternion(q: Quaternion): [number, number, number] {
  const [w, x, y, z] = q;
  const yaw = Math.atan2(2 * (w * z + x * y), 1 - 2 * (y * y + z * z));
  const pitch = Math.asin(Math.max(-1, Math.min(1, 2 * (w * y - z * x))));
  const roll = Math.atan2(2 * (w * x + y * z), 1 - 2 * (x * x + y * y));
  return [yaw / DEG, pitch / DEG, roll / DEG];
}

/** Body-frame mean angular rate (rad/s) taking attitude `a` to `b` in `dtS` seconds. */
export function rateBetween(a: Quaternion, b: Quaternion, dtS: number): [number, number, number] {
  // d = conj(a) ⊗ b
  const [aw, ax, ay, az] = a;
  const [bw, bx, by, bz] = b;
  let w = aw * bw + ax * bx + ay * by + az * bz;
  let x = aw * bx - ax * bw - ay * bz + az * by;
  let y = aw * by + ax * bz - ay * bw - az * bx;
  let z = aw * bz - ax * by + ay * bx - az * bw;
  if (w < 0) [w, x, y, z] = [-w, -x, -y, -z];
  const s = Math.hypot(x, y, z);
  if (s < 1e-12) return [0, 0, 0];
  const k = (2 * Math.atan2(s, w)) / s / dtS;
  return [x * k, y * k, z * k];
}

/** Turns frames into samples; holds the previous attitude and the index unwrapping. */
export class RvcSampleBuilder {
  #lastIndex = -1;
  #wraps = 0n;
  #previous: Quaternion | undefined;
  /** Frames missing according to the index. */
  droppedFrames = 0;

  /** The sample of `frame`, stamped `hostTimeNs`. */
  build(frame: RvcFrame, hostTimeNs: bigint): ImuSample {
    let gap = 1;
    if (this.#lastIndex >= 0) {
      gap = (frame.index - this.#lastIndex + 256) % 256;
      if (gap === 0) gap = 256; // the same index again: a full wrap is the only forward reading
      if (frame.index <= this.#lastIndex) this.#wraps += 1n;
      this.droppedFrames += gap - 1;
    }
    this.#lastIndex = frame.index;
    const q = quaternionFromYprDeg(frame.yaw * RVC_ANGLE_DEG_PER_LSB, frame.pitch * RVC_ANGLE_DEG_PER_LSB, frame.roll * RVC_ANGLE_DEG_PER_LSB);
    const gyroRadps = this.#previous === undefined ? ([0, 0, 0] as [number, number, number]) : rateBetween(this.#previous, q, gap / RVC_RATE_HZ);
    this.#previous = q;
    return {
      deviceTimeNs: (this.#wraps * 256n + BigInt(frame.index)) * FRAME_NS,
      hostTimeNs,
      gyroRadps,
      accelMps2: [frame.accelMg[0] * RVC_ACCEL_MPS2_PER_LSB, frame.accelMg[1] * RVC_ACCEL_MPS2_PER_LSB, frame.accelMg[2] * RVC_ACCEL_MPS2_PER_LSB],
      orientationWxyz: q,
    };
  }

  reset(): void {
    this.#lastIndex = -1;
    this.#wraps = 0n;
    this.#previous = undefined;
    this.droppedFrames = 0;
  }
}
