/**
 * EuRoC/ASL `sensor.yaml` (one per sensor folder, Kalibr conventions): camera intrinsics, distortion and
 * `T_BS`, IMU noise densities, `rate_hz`. Source: the EuRoC MAV dataset format (Burri et al., IJRR 2016,
 * "The EuRoC micro aerial vehicle datasets", §"Dataset format") and its files.
 *
 * Tolerant of what such files carry in the wild: an OpenCV `%YAML:1.0` header (with or without `---`),
 * comments, `!!opencv-matrix` tags (read as plain maps), repeated keys (the last one wins).
 * Errors are {@link DeviceError}s naming the device, the file and the field.
 */
import { parseDocument } from 'yaml';
import { DeviceError } from '../types.js';
import type { CameraCalibration, ImuInfo } from '../types.js';
import { exists, readWholeFile } from './files.js';

/** The top-level map of a sensor.yaml. */
export type SensorYaml = Readonly<Record<string, unknown>>;

const OPENCV_HEADER = /^%YAML[: ]?1\.\d+[^\n]*\n(?:---[^\n]*\n)?/;

/** Reads `path`; `undefined` when the file does not exist; a {@link DeviceError} when it cannot be parsed. */
export async function readSensorYaml(id: string, path: string): Promise<SensorYaml | undefined> {
  if (!(await exists(path))) return undefined;
  const bytes = await readWholeFile(id, path);
  return parseSensorYaml(id, path, bytes.toString('utf8'));
}

/** Parses the text of a sensor.yaml (see the module documentation for what is tolerated). */
export function parseSensorYaml(id: string, file: string, text: string): SensorYaml {
  const doc = parseDocument(text.replace(OPENCV_HEADER, ''), { uniqueKeys: false, logLevel: 'silent' });
  const first = doc.errors[0];
  if (first !== undefined) throw new DeviceError(id, `${file}: not YAML: ${first.message.split('\n')[0] ?? ''}`);
  const value: unknown = doc.toJS();
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DeviceError(id, `${file}: expected a map of sensor fields at the top level`);
  }
  return value as SensorYaml;
}

/** `rate_hz`, when present. */
export function sensorRateHz(id: string, file: string, doc: SensorYaml): number | undefined {
  if (doc.rate_hz === undefined) return undefined;
  const rate = doc.rate_hz;
  if (typeof rate !== 'number' || !(rate > 0)) throw fieldError(id, file, 'rate_hz', 'a positive number', rate);
  return rate;
}

/** `resolution: [width, height]` in pixels, when present. */
export function cameraResolution(id: string, file: string, doc: SensorYaml): readonly [number, number] | undefined {
  if (doc.resolution === undefined) return undefined;
  const [w, h] = numbers(id, file, 'resolution', doc.resolution, 2);
  return [w ?? 0, h ?? 0];
}

/**
 * Pinhole calibration: `intrinsics` (fu, fv, cu, cv px), `distortion_model` (`radial-tangential` /
 * `radtan`, `equidistant`, `none`), `distortion_coefficients`, `T_BS` (camera → body, row-major 4×4;
 * identity when absent). `undefined` when the file has no `intrinsics`.
 */
export function cameraCalibration(id: string, file: string, doc: SensorYaml): CameraCalibration | undefined {
  if (doc.intrinsics === undefined) return undefined;
  if (doc.camera_model !== undefined && doc.camera_model !== 'pinhole') {
    throw fieldError(id, file, 'camera_model', '"pinhole"', doc.camera_model);
  }
  const [fx = 0, fy = 0, cx = 0, cy = 0] = numbers(id, file, 'intrinsics', doc.intrinsics, 4);
  const model = distortionModel(id, file, doc.distortion_model);
  const distortion = doc.distortion_coefficients === undefined ? [] : numbers(id, file, 'distortion_coefficients', doc.distortion_coefficients);
  return {
    intrinsics: [fx, fy, cx, cy],
    distortionModel: model,
    distortion,
    T_body_camera: transform(id, file, doc.T_BS),
  };
}

/** IMU noise densities (`gyroscope_noise_density`, … random walks); `undefined` unless all four are given. */
export function imuNoise(id: string, file: string, doc: SensorYaml): ImuInfo['noise'] {
  const keys = ['gyroscope_noise_density', 'gyroscope_random_walk', 'accelerometer_noise_density', 'accelerometer_random_walk'] as const;
  if (keys.every((k) => doc[k] === undefined)) return undefined;
  const [gn, gw, an, aw] = keys.map((k) => {
    const v = doc[k];
    if (typeof v !== 'number' || !(v >= 0)) throw fieldError(id, file, k, 'a non-negative number', v);
    return v;
  });
  return {
    gyroNoiseDensityRadpsPerSqrtHz: gn ?? 0,
    gyroRandomWalkRadps2PerSqrtHz: gw ?? 0,
    accelNoiseDensityMps2PerSqrtHz: an ?? 0,
    accelRandomWalkMps3PerSqrtHz: aw ?? 0,
  };
}

function distortionModel(id: string, file: string, value: unknown): CameraCalibration['distortionModel'] {
  if (value === undefined || value === 'none') return 'none';
  if (value === 'radial-tangential' || value === 'radtan') return 'radial-tangential';
  if (value === 'equidistant') return 'equidistant';
  throw fieldError(id, file, 'distortion_model', '"radial-tangential", "radtan", "equidistant" or "none"', value);
}

/** `T_BS` as `{rows: 4, cols: 4, data: [16 numbers]}` (or a bare list of 16), identity when absent. */
function transform(id: string, file: string, value: unknown): readonly number[] {
  if (value === undefined) return [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
  const data = typeof value === 'object' && value !== null && 'data' in value ? value.data : value;
  return numbers(id, file, 'T_BS.data', data, 16);
}

function numbers(id: string, file: string, field: string, value: unknown, count?: number): number[] {
  const ok = Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isFinite(v));
  if (!ok || (count !== undefined && value.length !== count)) {
    throw fieldError(id, file, field, count === undefined ? 'a list of numbers' : `a list of ${count} numbers`, value);
  }
  return value as number[];
}

function fieldError(id: string, file: string, field: string, expected: string, got: unknown): DeviceError {
  return new DeviceError(id, `${file}: ${field}: expected ${expected}, got ${JSON.stringify(got) ?? 'nothing'}`);
}
