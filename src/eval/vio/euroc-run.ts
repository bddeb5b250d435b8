/**
 * Runs the native VIO over an EuRoC/ASL session folder as fast as possible: `mav0/cam0` frames (decoded with
 * sharp, ahead of the estimator and outside its timing), `mav0/imu0/data.csv` fed up to each frame's stamp,
 * the camera calibration from `cam0/sensor.yaml` and the IMU noise from `imu0/sensor.yaml`. The estimate at
 * each tracked frame is recorded; CPU and wall time are measured around the estimator's calls only.
 *
 * Clock: EuRoC stamps are UNIX ns; they are shifted to ns since the first IMU sample (exact in a float64),
 * and the ground truth with them. Errors name the session file that is missing or unreadable.
 */
import { vioOptionsFromCalibration } from '../../layers/intelligence/vio/handler.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { EurocCamera } from '../../../hal/mock/euroc-camera.js';
import { parseImuRow } from '../../../hal/mock/euroc-imu.js';
import { loadEurocGroundTruth } from '../../../hal/mock/euroc-groundtruth.js';
import { imuNoise, readSensorYaml } from '../../../hal/mock/sensor-yaml.js';
import { isDirectory } from '../../../hal/mock/files.js';
import { VIO_STATE_LENGTH, Vio } from '../../../native/index.js';
import type { VioOptions } from '../../../native/index.js';
import type { Trajectory } from './metrics.js';

export interface VioRunOptions {
  /** Stop after this many frames (0 = all). */
  readonly maxFrames?: number;
  /** Frames decoded ahead of the estimator (default 16). */
  readonly prefetch?: number;
  /** Overrides of the estimator settings. */
  readonly vio?: Partial<VioOptions>;
  /** Frames `[from, to)` (0-based) replaced by black ones: a covered lens, to exercise loss and recovery. */
  readonly blankFrames?: readonly [number, number];
  /** Called after each frame with the frames done and the frames the run will take (for a progress bar). */
  readonly onProgress?: (framesDone: number, framesTotal: number) => void;
}

export interface VioRun {
  readonly mav0: string;
  readonly frames: number;
  /** Frames with a pose (tracking, or in the window of a delayed initialisation that ended in tracking). */
  readonly trackedFrames: number;
  readonly losses: number;
  /** Time spanned by the frames, s. */
  readonly durationS: number;
  /** Estimates at tracked frames, including those of the delayed-initialisation window (clock: ns since the first IMU sample). */
  readonly estimate: Trajectory;
  readonly groundTruth: Trajectory;
  /** Process CPU time of each frame's `feedImu` + `feedFrameSync`, ms. */
  readonly frameCpuMs: Float64Array;
  /** Wall time of the same calls, ms. */
  readonly frameWallMs: Float64Array;
}

async function mav0Of(dir: string): Promise<string> {
  const nested = join(dir, 'mav0');
  if (await isDirectory(nested)) return nested;
  if (await isDirectory(join(dir, 'cam0'))) return dir;
  throw new Error(`${dir}: not an EuRoC session (no mav0/ and no cam0/ folder)`);
}

interface ImuArrays {
  readonly tNs: Float64Array;
  readonly gyro: Float64Array;
  readonly accel: Float64Array;
}

async function loadImu(path: string, origin: { value?: bigint }): Promise<ImuArrays> {
  const text = await readFile(path, 'utf8').catch((err: unknown) => {
    throw new Error(`${path}: cannot read the IMU data: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  });
  const t: number[] = [];
  const g: number[] = [];
  const a: number[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]?.trim() ?? '';
    if (line === '' || line.startsWith('#')) continue;
    let s;
    try {
      s = parseImuRow(line.split(','));
    } catch (err) {
      throw new Error(`${path}:${i + 1}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    origin.value ??= s.deviceTimeNs;
    t.push(Number(s.deviceTimeNs - origin.value));
    g.push(...s.gyroRadps);
    a.push(...s.accelMps2);
  }
  return { tNs: Float64Array.from(t), gyro: Float64Array.from(g), accel: Float64Array.from(a) };
}

/** VIO settings from the session's calibration (`cam0/sensor.yaml`, `imu0/sensor.yaml`). */
export async function vioOptionsFromSession(mav0: string, camera: EurocCamera): Promise<VioOptions> {
  const info = camera.info;
  const cal = info.calibration;
  if (cal === undefined) throw new Error(`${join(mav0, 'cam0', 'sensor.yaml')}: no camera intrinsics (the VIO needs a calibrated camera)`);
  if (cal.distortionModel === 'equidistant') throw new Error(`${join(mav0, 'cam0', 'sensor.yaml')}: distortion_model equidistant is not supported by the VIO (radial-tangential or none)`);
  const imuYaml = await readSensorYaml('imu0', join(mav0, 'imu0', 'sensor.yaml'));
  const noise = imuYaml === undefined ? undefined : imuNoise('imu0', join(mav0, 'imu0', 'sensor.yaml'), imuYaml);
  return vioOptionsFromCalibration(info.widthPx, info.heightPx, cal, noise);
}

/** Runs the VIO over the session in `dir` (the folder holding `mav0/`, or `mav0` itself). */
export async function runVioOnEuroc(dir: string, options: VioRunOptions = {}): Promise<VioRun> {
  const mav0 = await mav0Of(dir);
  const origin: { value?: bigint } = {};
  const imu = await loadImu(join(mav0, 'imu0', 'data.csv'), origin);
  const originNs = origin.value ?? 0n;
  const gtRaw = await loadEurocGroundTruth(join(mav0, 'state_groundtruth_estimate0'));
  const groundTruth: Trajectory = {
    tNs: Float64Array.from(gtRaw.tNs, (t) => Number(t - originNs)),
    position: gtRaw.position,
    quaternion: gtRaw.q_world_body,
  };
  const camera = new EurocCamera({ id: 'cam0', path: join(mav0, 'cam0'), format: 'GRAY8' });
  await camera.open();
  try {
    const vio = new Vio({ ...(await vioOptionsFromSession(mav0, camera)), ...options.vio });
    const state = new Float64Array(VIO_STATE_LENGTH);
    const est = { t: [] as number[], p: [] as number[], q: [] as number[] };
    const cpu: number[] = [];
    const wall: number[] = [];
    let k = 0;
    let frames = 0;
    let black: Uint8Array | undefined;
    let first = NaN;
    let last = NaN;
    const max = options.maxFrames ?? 0;
    const total = max > 0 ? Math.min(max, camera.frameCount) : camera.frameCount;
    const prefetch = options.prefetch ?? 16;
    for (;;) {
      const batch = await Promise.all(Array.from({ length: prefetch }, () => camera.read()));
      const got = batch.filter((f) => f !== null);
      for (const frame of got) {
        if (max > 0 && frames >= max) break;
        const t = Number(frame.deviceTimeNs - originNs);
        const from = k;
        while (k < imu.tNs.length && (imu.tNs[k] ?? Infinity) <= t) k++;
        const c0 = process.cpuUsage();
        const w0 = performance.now();
        vio.feedImu(imu.tNs.subarray(from, k), imu.gyro.subarray(3 * from, 3 * k), imu.accel.subarray(3 * from, 3 * k));
        const blank = options.blankFrames !== undefined && frames >= options.blankFrames[0] && frames < options.blankFrames[1];
        const r = vio.feedFrameSync(blank ? (black ??= new Uint8Array(frame.data.length)) : frame.data, t);
        wall.push(performance.now() - w0);
        const c = process.cpuUsage(c0);
        cpu.push((c.user + c.system) / 1000);
        frames++;
        options.onProgress?.(frames, total);
        if (Number.isNaN(first)) first = t;
        last = t;
        if (r.state === 'tracking') {
          // The end of a delayed initialisation: the window's poses (all but this frame's) come first.
          const init = vio.takeInitTrajectory();
          for (let i = 0; i + 8 <= init.length; i += 8) {
            if ((init[i] ?? Infinity) >= t) continue;
            est.t.push(init[i] ?? NaN);
            est.q.push(...init.subarray(i + 1, i + 5));
            est.p.push(...init.subarray(i + 5, i + 8));
          }
        }
        if (r.state === 'tracking' && vio.readState(state)) {
          est.t.push(t);
          est.p.push(state[5] ?? NaN, state[6] ?? NaN, state[7] ?? NaN);
          est.q.push(state[1] ?? NaN, state[2] ?? NaN, state[3] ?? NaN, state[4] ?? NaN);
        }
      }
      if (got.length < prefetch || (max > 0 && frames >= max)) break;
    }
    return {
      mav0,
      frames,
      trackedFrames: est.t.length,
      losses: vio.losses,
      durationS: (last - first) / 1e9,
      estimate: { tNs: Float64Array.from(est.t), position: Float64Array.from(est.p), quaternion: Float64Array.from(est.q) },
      groundTruth,
      frameCpuMs: Float64Array.from(cpu),
      frameWallMs: Float64Array.from(wall),
    };
  } finally {
    await camera.close();
  }
}
