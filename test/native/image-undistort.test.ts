/**
 * Undistortion against OpenCV 5 (`bench/oracle/image_undistort.py`) with the real EuRoC MH_01 cam0
 * calibration, read from its `sensor.yaml` by the HAL's reader (`hal/mock/sensor-yaml.ts`; radial-tangential),
 * on real cam0 frames: `undistortPointsSync` vs `cv2.undistortPoints`, the `Undistorter` map vs
 * `cv2.initUndistortRectifyMap` and its remap vs `cv2.remap`. The data holds no fisheye calibration: the
 * equidistant model is checked with the EuRoC intrinsics and the equidistant coefficients of the TUM VI
 * cam0 calibration (Schubert et al., "The TUM VI Benchmark for Evaluating Visual-Inertial Odometry",
 * IROS 2018: k1..k4 = 0.0034823894022493434, 0.0007150348452162257, −0.0020532361418706202,
 * 0.00020293673591811182) on the same real frames, against `cv2.fisheye.*`.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Undistorter, undistortPointsSync, type CameraModel, type FrameView } from '../../native/index.js';
import { cameraCalibration, readSensorYaml } from '../../hal/mock/sensor-yaml.js';
import { decodeFloat32, decodeFloat64, decodeUint8, encodeArray, oracleAvailable, runOracle } from '../../bench/oracle/python.js';
import { TUM_VI_EQUIDISTANT, eurocFramePaths, eurocGray } from '../../bench/native/image-frames.js';
import { HAS_SHARED_DATA, SHARED_DATA } from './data.js';

interface OracleAnswer {
  readonly mapX: string;
  readonly mapY: string;
  readonly remapped: string[];
  readonly points: string;
  readonly pointsPixel: string;
}

/** A 25 × 17 grid over the image, corners included, as x, y pairs (pixels). */
function grid(w: number, h: number): Float64Array {
  const out: number[] = [];
  for (let j = 0; j <= 16; j++) for (let i = 0; i <= 24; i++) out.push((i * (w - 1)) / 24, (j * (h - 1)) / 16);
  return Float64Array.from(out);
}

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

describe.skipIf(!HAS_SHARED_DATA || !oracleAvailable())('undistortion matches OpenCV with the EuRoC cam0 calibration', () => {
  let radtan: CameraModel;
  let frames: FrameView[] = [];
  let paths: string[] = [];
  const points = grid(752, 480);

  beforeAll(async () => {
    const file = join(SHARED_DATA, 'euroc_mh01_excerpt/mav0/cam0/sensor.yaml');
    const calibration = cameraCalibration('cam0', file, (await readSensorYaml('cam0', file)) ?? {});
    if (calibration === undefined) throw new Error(`${file}: no intrinsics`);
    radtan = calibration;
    paths = eurocFramePaths(SHARED_DATA).filter((_, i) => i % 150 === 0);
    frames = await Promise.all(paths.map((p) => eurocGray(p)));
  });

  const names = ['radial-tangential (EuRoC cam0)', 'equidistant (EuRoC intrinsics, TUM VI coefficients)'] as const;
  const model = (name: (typeof names)[number]): CameraModel =>
    name === names[0] ? radtan : { ...radtan, distortionModel: 'equidistant', distortion: [...TUM_VI_EQUIDISTANT] };

  it('the calibration is read as radial-tangential from sensor.yaml', () => {
    expect(radtan.distortionModel).toBe('radial-tangential');
    expect(radtan.intrinsics).toEqual([458.654, 457.296, 367.215, 248.375]);
  });

  for (const name of names) {
    it(`${name}: points, map and remapped frames equal OpenCV's`, () => {
      const camera = model(name);
      const want = runOracle<OracleAnswer>('image_undistort.py', {
        camera,
        width: 752,
        height: 480,
        frames: paths.map((path) => ({ path })),
        points: encodeArray(points),
      });
      const normalized = new Float64Array(points.length);
      const pixel = new Float64Array(points.length);
      expect(undistortPointsSync(camera, points, normalized), name).toBe(0);
      undistortPointsSync(camera, points, pixel, { output: 'pixel' });
      expect(maxAbs(normalized, decodeFloat64(want.points)), name).toBe(0);
      expect(maxAbs(pixel, decodeFloat64(want.pointsPixel)), name).toBe(0);

      const u = new Undistorter(camera, { widthPx: 752, heightPx: 480 });
      const [mapX, mapY] = [new Float32Array(752 * 480), new Float32Array(752 * 480)];
      u.mapInto(mapX, mapY);
      expect(maxAbs(mapX, decodeFloat32(want.mapX)), name).toBe(0);
      expect(maxAbs(mapY, decodeFloat32(want.mapY)), name).toBe(0);
      frames.forEach((f, i) => {
        const out = new Uint8Array(752 * 480);
        u.remapSync(f, out);
        expect(Buffer.from(out).equals(Buffer.from(decodeUint8(want.remapped[i] as string))), `${name} frame ${i}`).toBe(true);
      });
    });
  }

  it("OpenCV's default criteria (5 iterations, no ε) are reproduced exactly, and converge worse", () => {
    const want = runOracle<OracleAnswer>('image_undistort.py', {
      camera: radtan,
      width: 752,
      height: 480,
      frames: [],
      points: encodeArray(points),
      criteria: { maxIterations: 5, epsilon: 0 },
    });
    const five = new Float64Array(points.length);
    const converged = new Float64Array(points.length);
    undistortPointsSync(radtan, points, five, { maxIterations: 5, epsilon: 0 });
    undistortPointsSync(radtan, points, converged);
    expect(maxAbs(five, decodeFloat64(want.points))).toBe(0);
    // In the corners 5 iterations leave ~1e-3 in normalized units (≈ 0.5 px).
    expect(maxAbs(five, converged)).toBeGreaterThan(1e-4);
  });

  it('the async build and remap and a strided output give the same pixels', async () => {
    const u = await Undistorter.create(radtan, { widthPx: 752, heightPx: 480 });
    const f = frames[0] as FrameView;
    const sync = new Uint8Array(752 * 480);
    u.remapSync(f, sync);
    const strided = new Uint8Array(760 * 479 + 752).fill(3);
    const view = await u.remap(f, strided, 760);
    expect(view).toMatchObject({ widthPx: 752, heightPx: 480, strideBytes: 760, format: 'GRAY8' });
    for (let y = 0; y < 480; y += 29) expect(Buffer.from(strided.subarray(y * 760, y * 760 + 752)).equals(Buffer.from(sync.subarray(y * 752, (y + 1) * 752)))).toBe(true);
    expect(strided[752]).toBe(3);
  });
});

describe('undistortion argument errors', () => {
  const camera: CameraModel = { intrinsics: [458.654, 457.296, 367.215, 248.375], distortionModel: 'radial-tangential', distortion: [-0.28, 0.07, 0.0002, 0.00002] };
  const out = new Float64Array(4);
  const cases: [string, () => unknown, string][] = [
    ['odd points', () => undistortPointsSync(camera, new Float64Array(3), out), '"points" must be x, y pairs (an even length), got 3'],
    ['short out', () => undistortPointsSync(camera, new Float64Array(6), out), '"out" must hold 6 numbers, got 4'],
    ['coefficients', () => undistortPointsSync({ ...camera, distortion: [0.1] }, new Float64Array(2), out), '"distortion" must be 4 finite coefficients for radial-tangential, got [0.1]'],
    ['model', () => undistortPointsSync({ ...camera, distortionModel: 'fov' as 'none' }, new Float64Array(2), out), '"distortionModel" must be "radial-tangential", "radtan", "equidistant" or "none", got "fov"'],
    ['output', () => undistortPointsSync(camera, new Float64Array(2), out, { output: 'px' as 'pixel' }), '"output" must be "normalized" or "pixel", got "px"'],
    ['iterations', () => undistortPointsSync(camera, new Float64Array(2), out, { maxIterations: -1 }), '"maxIterations" must be an integer in [0, 1000], got -1'],
    ['size', () => new Undistorter(camera, { widthPx: 0, heightPx: 480 }), '"widthPx" must be a positive integer, got 0'],
    ['focal', () => new Undistorter({ ...camera, intrinsics: [0, 1, 2, 3] }, { widthPx: 10, heightPx: 10 }), '"intrinsics" must be positive focal lengths, got [0, 1]'],
    ['short frame', () => new Undistorter(camera, { widthPx: 752, heightPx: 480 }).remapSync({ data: new Uint8Array(10), widthPx: 752, heightPx: 480, format: 'GRAY8' }, new Uint8Array(752 * 480)), '"src" must hold 360960 bytes, got 10'],
  ];
  for (const [name, call, message] of cases) {
    it(`${name}: ${message}`, () => {
      expect(call).toThrowError(expect.objectContaining({ message }) as Error);
    });
  }

  it('the async build rejects with the same message', async () => {
    await expect(Undistorter.create({ ...camera, distortion: [] }, { widthPx: 10, heightPx: 10 })).rejects.toThrow('"distortion" must be 4 finite coefficients for radial-tangential, got []');
  });
});
