/**
 * The calibration the XREAL glasses store (a JSON document read over the IMU interface, commands 0x14/0x15)
 * and how it corrects the IMU, following Monado `xreal_air_hmd.c` `read_sample_and_apply_calibration`:
 *
 *   gyro:  v' = P( scale_gyro ⊙ ( P·R(accel_q_gyro)·v − gyro_bias ) )      (rad/s)
 *   accel: v' = P( scale_accel ⊙ ( P·v − accel_bias ) )                      (m/s²)
 *
 * where `v` is the report's value in the chip frame (SI), `P(x, y, z) = (−x, −z, −y)` is Monado's
 * "pre-biased" axis change (its own inverse, so the result is back in the chip frame), quaternions are
 * stored `[x, y, z, w]`. Only the `IMU.device_1` object is used; other keys are kept but ignored.
 */
import { z } from 'zod';

const vec3 = z.tuple([z.number(), z.number(), z.number()]);
const quatXyzw = z.tuple([z.number(), z.number(), z.number(), z.number()]);

export const XrealImuCalibrationSchema = z.object({
  accel_bias: vec3,
  accel_q_gyro: quatXyzw,
  gyro_bias: vec3,
  gyro_q_mag: quatXyzw.optional(),
  mag_bias: vec3.optional(),
  scale_accel: vec3,
  scale_gyro: vec3,
  scale_mag: vec3.optional(),
  imu_noises: z.array(z.number()).optional(),
});

export const XrealCalibrationSchema = z.object({ IMU: z.object({ device_1: XrealImuCalibrationSchema }) });

export type XrealImuCalibration = z.infer<typeof XrealImuCalibrationSchema>;

/** Parses the calibration document; a message naming the first bad field when it is not usable. */
export function parseXrealCalibration(text: string): XrealImuCalibration | string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return `calibration is not JSON: ${(err as Error).message}`;
  }
  const parsed = XrealCalibrationSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `calibration field ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'invalid'}`;
  }
  return parsed.data.IMU.device_1;
}

/** Rotates `v` (in place) by the unit quaternion `[x, y, z, w]`. */
export function rotateXyzw(q: readonly [number, number, number, number], v: Float64Array): void {
  const [qx, qy, qz, qw] = q;
  const [vx, vy, vz] = [v[0] as number, v[1] as number, v[2] as number];
  // t = 2 q×v ; v' = v + w t + q×t
  const tx = 2 * (qy * vz - qz * vy);
  const ty = 2 * (qz * vx - qx * vz);
  const tz = 2 * (qx * vy - qy * vx);
  v[0] = vx + qw * tx + (qy * tz - qz * ty);
  v[1] = vy + qw * ty + (qz * tx - qx * tz);
  v[2] = vz + qw * tz + (qx * ty - qy * tx);
}

/** `P(scale ⊙ (P v − bias))`, in place. */
function biasAndScale(v: Float64Array, bias: readonly number[], scale: readonly number[]): void {
  const p0 = -(v[0] as number) - (bias[0] as number);
  const p1 = -(v[2] as number) - (bias[1] as number);
  const p2 = -(v[1] as number) - (bias[2] as number);
  const s0 = p0 * (scale[0] as number);
  const s1 = p1 * (scale[1] as number);
  const s2 = p2 * (scale[2] as number);
  v[0] = -s0;
  v[1] = -s2;
  v[2] = -s1;
}

/** Corrects a gyro (rad/s) and accel (m/s²) triple, chip frame, in place. */
export function applyXrealCalibration(cal: XrealImuCalibration, gyroRadps: Float64Array, accelMps2: Float64Array): void {
  rotateXyzw(cal.accel_q_gyro, gyroRadps);
  biasAndScale(gyroRadps, cal.gyro_bias, cal.scale_gyro);
  biasAndScale(accelMps2, cal.accel_bias, cal.scale_accel);
}

/** The inverse of {@link applyXrealCalibration} (for emulators): true values → what the chip reports. */
export function unapplyXrealCalibration(cal: XrealImuCalibration, gyroRadps: Float64Array, accelMps2: Float64Array): void {
  const inv = (v: Float64Array, bias: readonly number[], scale: readonly number[]): void => {
    // v = P(scale ⊙ (P r − bias))  ⇒  P r = P v / scale + bias  ⇒  r = P(P v / scale + bias)
    const p0 = -(v[0] as number) / (scale[0] as number) + (bias[0] as number);
    const p1 = -(v[2] as number) / (scale[1] as number) + (bias[1] as number);
    const p2 = -(v[1] as number) / (scale[2] as number) + (bias[2] as number);
    v[0] = -p0;
    v[1] = -p2;
    v[2] = -p1;
  };
  inv(gyroRadps, cal.gyro_bias, cal.scale_gyro);
  const [x, y, z, w] = cal.accel_q_gyro;
  rotateXyzw([-x, -y, -z, w], gyroRadps);
  inv(accelMps2, cal.accel_bias, cal.scale_accel);
}
