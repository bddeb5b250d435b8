/**
 * Display profiles: the virtual camera the HUD page renders world-anchored content with. A profile gives
 * the display's resolution (px), its projection (pinhole intrinsics `[fx, fy, cx, cy]` in px, or a
 * horizontal field of view with square pixels and a centred principal point), an optional
 * radial-tangential distortion (`[k1, k2, p1, p2]`, OpenCV `projectPoints`; for overlaying a camera image),
 * the refresh rate (Hz), the eyes' poses relative to the body (IMU) frame (`T_body_eye`: per-eye offset;
 * one `center` eye for a mono display) and the camera whose frames are drawn under the HUD (laptop
 * stand-in for the see-through view; none on glasses).
 *
 * The laptop default (`profileFromCamera`) is the tracking camera itself: its intrinsics, distortion and
 * `T_body_camera`, at 60 Hz, so the HUD overlays that camera's image exactly. Files: JSON or TOML (by
 * extension), validated with zod; errors name the file and the field (`display profile x.toml "refreshHz": …`).
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { z } from 'zod';
import type { CameraCalibration } from '../../hal/types.js';
import { fromTransform4x4, type Quat } from '../math/quat.js';

export interface DisplayEye {
  readonly name: 'center' | 'left' | 'right';
  /** Rotation body → eye view frame (x right, y down, z forward), Hamilton `[w, x, y, z]`. */
  readonly q_body_eye: Quat;
  /** Eye origin in the body frame, m. */
  readonly p_body_eye_m: readonly [number, number, number];
}

export interface DisplayProfile {
  readonly name: string;
  readonly widthPx: number;
  readonly heightPx: number;
  /** `[fx, fy, cx, cy]`, px. */
  readonly intrinsics: readonly [number, number, number, number];
  readonly distortionModel: 'none' | 'radial-tangential';
  /** `[k1, k2, p1, p2]` (radial-tangential), else empty. */
  readonly distortion: readonly number[];
  /** Horizontal and vertical field of view, degrees (from the intrinsics, pinhole). */
  readonly fovDeg: readonly [number, number];
  readonly refreshHz: number;
  /** At least one; the page renders `center`, or the eye named by `?eye=`. */
  readonly eyes: readonly DisplayEye[];
  /** Device id of the camera drawn under the HUD, or null (optical see-through: black is transparent). */
  readonly backgroundCameraId: string | null;
}

export class DisplayProfileError extends Error {
  override readonly name = 'DisplayProfileError';
}

const finite = z.number().finite();
const positive = finite.positive();
const matrix = z.array(finite).length(16, { message: 'must be 16 numbers (row-major 4×4)' });

/** The file format (field names as in the file). */
const fileSchema = z
  .object({
    name: z.string().min(1).max(100),
    widthPx: z.number().int().positive().max(16384),
    heightPx: z.number().int().positive().max(16384),
    refreshHz: positive.max(1000),
    /** Either intrinsics … */
    intrinsics: z.tuple([positive, positive, finite, finite]).optional(),
    /** … or a horizontal field of view, degrees (square pixels, centred). */
    fovHDeg: positive.lt(180).optional(),
    distortion: z.tuple([finite, finite, finite, finite]).optional(),
    /** `T_body_display`, row-major 4×4 (default identity: the display looks along the body's z). */
    T_body_display: matrix.optional(),
    /** Interpupillary distance, m: left and right eyes at ∓ipd/2 along the display's x. */
    ipdM: positive.max(0.1).optional(),
    backgroundCameraId: z.string().min(1).nullable().optional(),
  })
  .strict()
  .refine((f) => (f.intrinsics === undefined) !== (f.fovHDeg === undefined), { message: 'give exactly one of "intrinsics" and "fovHDeg"' });

function fovDeg(widthPx: number, heightPx: number, fx: number, fy: number): [number, number] {
  const deg = (v: number): number => Math.round(((2 * Math.atan(v) * 180) / Math.PI) * 100) / 100;
  return [deg(widthPx / (2 * fx)), deg(heightPx / (2 * fy))];
}

/** Validates a parsed profile object; `where` names the file in errors. */
export function parseDisplayProfile(where: string, value: unknown): DisplayProfile {
  const parsed = fileSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DisplayProfileError(`display profile ${where} "${issue?.path.join('.') ?? ''}": ${issue?.message ?? 'invalid'}`);
  }
  const f = parsed.data;
  const intrinsics: [number, number, number, number] =
    f.intrinsics ?? (() => {
      const fx = f.widthPx / 2 / Math.tan(((f.fovHDeg as number) * Math.PI) / 360);
      return [fx, fx, (f.widthPx - 1) / 2, (f.heightPx - 1) / 2];
    })();
  const m = f.T_body_display ?? [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
  const q = fromTransform4x4(m);
  const origin: [number, number, number] = [m[3] as number, m[7] as number, m[11] as number];
  const eyes: DisplayEye[] =
    f.ipdM === undefined
      ? [{ name: 'center', q_body_eye: q, p_body_eye_m: origin }]
      : (['left', 'right'] as const).map((name) => {
          const s = ((name === 'left' ? -1 : 1) * (f.ipdM as number)) / 2;
          // the display's x axis in the body frame: first column of the rotation
          return { name, q_body_eye: q, p_body_eye_m: [origin[0] + s * (m[0] as number), origin[1] + s * (m[4] as number), origin[2] + s * (m[8] as number)] as const };
        });
  return {
    name: f.name, widthPx: f.widthPx, heightPx: f.heightPx, intrinsics,
    distortionModel: f.distortion === undefined ? 'none' : 'radial-tangential', distortion: f.distortion ?? [],
    fovDeg: fovDeg(f.widthPx, f.heightPx, intrinsics[0], intrinsics[1]), refreshHz: f.refreshHz, eyes,
    backgroundCameraId: f.backgroundCameraId ?? null,
  };
}

/** Reads a profile from a `.json` or `.toml` file. Errors: {@link DisplayProfileError} naming the file. */
export async function loadDisplayProfile(file: string): Promise<DisplayProfile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new DisplayProfileError(`display profile ${file}: cannot read: ${err instanceof Error ? err.message : String(err)}`);
  }
  let value: unknown;
  try {
    value = extname(file).toLowerCase() === '.toml' ? parseToml(text) : JSON.parse(text);
  } catch (err) {
    throw new DisplayProfileError(`display profile ${file}: not ${extname(file).toLowerCase() === '.toml' ? 'TOML' : 'JSON'}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return parseDisplayProfile(file, value);
}

/**
 * The laptop default: the display *is* the camera `cameraId` (its calibration: intrinsics, distortion,
 * `T_body_camera`), `widthPx`×`heightPx`, at `refreshHz` (60), with that camera's frames under the HUD.
 * Errors: a calibration whose distortion model is `equidistant` (the page projects radial-tangential only).
 */
export function profileFromCamera(cameraId: string, widthPx: number, heightPx: number, calibration: CameraCalibration, refreshHz = 60): DisplayProfile {
  if (calibration.distortionModel === 'equidistant') throw new DisplayProfileError(`display profile from camera ${cameraId}: distortion model "equidistant" is not supported (radial-tangential or none)`);
  const [fx, fy] = calibration.intrinsics;
  const m = calibration.T_body_camera;
  return {
    name: `camera ${cameraId}`, widthPx, heightPx, intrinsics: calibration.intrinsics,
    distortionModel: calibration.distortionModel, distortion: calibration.distortionModel === 'none' ? [] : calibration.distortion.slice(0, 4),
    fovDeg: fovDeg(widthPx, heightPx, fx, fy), refreshHz,
    eyes: [{ name: 'center', q_body_eye: fromTransform4x4(m), p_body_eye_m: [m[3] as number, m[7] as number, m[11] as number] }],
    backgroundCameraId: cameraId,
  };
}

/** Glasses-like fallback when no camera is calibrated: 1280×720, 46° horizontal (≈ XREAL Air), 60 Hz, body axes x forward, y left, z up. */
export const GENERIC_GLASSES_PROFILE: DisplayProfile = parseDisplayProfile('(built in)', {
  name: 'generic glasses 1280×720 46°', widthPx: 1280, heightPx: 720, refreshHz: 60, fovHDeg: 46,
  T_body_display: [0, 0, 1, 0, -1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 0, 1], ipdM: 0.063,
});

/**
 * The profile `karana run` uses without `--display-profile`: the first calibrated tracking camera of the
 * session's devices (`profileFromCamera`), else {@link GENERIC_GLASSES_PROFILE}.
 */
export function defaultDisplayProfile(cameras: readonly { readonly id: string; readonly kind: string; readonly role?: string; readonly widthPx?: number; readonly heightPx?: number; readonly calibration?: CameraCalibration }[]): DisplayProfile {
  for (const c of cameras) {
    if (c.kind === 'camera' && c.role === 'tracking' && c.calibration !== undefined && c.calibration.distortionModel !== 'equidistant' && c.widthPx !== undefined && c.heightPx !== undefined) {
      return profileFromCamera(c.id, c.widthPx, c.heightPx, c.calibration);
    }
  }
  return GENERIC_GLASSES_PROFILE;
}
