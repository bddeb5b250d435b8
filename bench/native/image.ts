/**
 * The image kernels (`karana-image`) against OpenCV (single-threaded), sharp + JS and plain JS, on real
 * frames, every figure and ratio in one run (`karana bench native`): the fused letterbox + normalize
 * (`image-letterbox.ts`: 1280×720 RGBA8 → 416×416 and 640×640, EuRoC 752×480 GRAY8 → 416×416, with the
 * memory floor), the conversions, resizes and undistortion (`image-kernels.ts`), and the leak-check cases:
 * each kernel on small real inputs (a EuRoC frame and the person-video frame shrunk by the area resizer).
 * Frames: `image-frames.ts` (the 1280×720 input is a real video frame upscaled: there is no 1280×720 recording).
 */
import { join, resolve } from 'node:path';
import { Resizer, Undistorter, convertSync, convertedLength, letterbox, letterboxSync, letterboxTensorLength, undistortPointsSync, type CameraModel, type FrameView } from '../../native/index.js';
import type { BenchOptions } from '../harness.js';
import { cameraCalibration, readSensorYaml } from '../../hal/mock/sensor-yaml.js';
import { eurocFramePaths, eurocGray, frame1280x720Rgba, personRgb } from './image-frames.js';
import { benchConvert, benchResize, benchUndistort, pointGrid, type Measured } from './image-kernels.js';
import { benchLetterbox } from './image-letterbox.js';
import type { AreaResult, BenchArea, LeakCase, Machine } from './types.js';

function sharedData(options: BenchOptions): string {
  if (options.sharedDataDir === undefined) throw new Error('the image benchmarks need ../shared/data (EuRoC frames, the person video)');
  return resolve(options.rootDir, options.sharedDataDir);
}

async function eurocCamera(shared: string): Promise<CameraModel> {
  const file = join(shared, 'euroc_mh01_excerpt/mav0/cam0/sensor.yaml');
  const c = cameraCalibration('cam0', file, (await readSensorYaml('cam0', file)) ?? {});
  if (c === undefined) throw new Error(`${file}: no intrinsics`);
  return c;
}

/** `frame` shrunk by `factor` with the area resizer (a small real input). */
function shrink(frame: FrameView, factor: number): FrameView {
  const [w, h] = [Math.floor(frame.widthPx / factor), Math.floor(frame.heightPx / factor)];
  const r = new Resizer({ srcWidthPx: frame.widthPx, srcHeightPx: frame.heightPx, dstWidthPx: w, dstHeightPx: h, format: frame.format, interpolation: 'area' });
  return r.resizeSync(frame, new Uint8Array(r.outputLength()));
}

const area: BenchArea = {
  name: 'image',

  async bench(options: BenchOptions, machine: Machine): Promise<AreaResult> {
    const shared = sharedData(options);
    const timeMs = options.quick ? 150 : 1500;
    const repeats = options.quick ? 30 : 300;
    const path = eurocFramePaths(shared)[100] as string;
    const euroc = await eurocGray(path);
    const { frame: rgba, source } = await frame1280x720Rgba(shared);
    const person = personRgb(shared);
    const m: Measured = { figures: {}, ratios: {} };
    for (const input of [
      { name: 'rgba1280to416', frame: rgba, target: 416 },
      { name: 'rgba1280to640', frame: rgba, target: 640 },
      { name: 'euroc752to416', frame: euroc, target: 416 },
    ]) {
      const r = await benchLetterbox(input, machine, timeMs, repeats);
      Object.assign(m.figures, r.figures);
      Object.assign(m.ratios, r.ratios);
    }
    if (person !== undefined) await benchConvert(person, timeMs, repeats, m);
    const resizes = [
      { name: 'euroc752to416Linear', frame: euroc, width: 416, height: 265, interpolation: 'linear' as const },
      { name: 'euroc752to416Area', frame: euroc, width: 416, height: 265, interpolation: 'area' as const },
      { name: 'euroc752to376Half', frame: euroc, width: 376, height: 240, interpolation: 'linear' as const },
      { name: 'rgba1280to640Linear', frame: rgba, width: 640, height: 360, interpolation: 'linear' as const },
      { name: 'rgba1280to416Linear', frame: rgba, width: 416, height: 234, interpolation: 'linear' as const },
      { name: 'rgba1280to416Area', frame: rgba, width: 416, height: 234, interpolation: 'area' as const },
      ...(person === undefined ? [] : [{ name: 'rgb768to416Linear', frame: person, width: 416, height: 234, interpolation: 'linear' as const }]),
    ];
    await benchResize(resizes, timeMs, repeats, m);
    await benchUndistort(await eurocCamera(shared), path, euroc, timeMs, repeats, m);
    return {
      figures: m.figures,
      ratios: m.ratios,
      notes: [
        `letterbox input 1280×720 RGBA8: ${source}; EuRoC: ${path}`,
        'ratios <peer>/native are speed-ups of native (> 1: native faster), native tinybench p50 against the peer p50 (JS) or median (OpenCV, single-threaded, allocator in steady state); native/floor is native p50 over the memory floor (source pixels read + tensor written at the machine memcpy rate)',
        'sharp (libvips) may use several threads; native, JS and OpenCV use one',
      ],
    };
  },

  async leakCases(options: BenchOptions): Promise<Readonly<Record<string, LeakCase>>> {
    const shared = sharedData(options);
    const euroc = shrink(await eurocGray(eurocFramePaths(shared)[100] as string), 8);
    const colour = shrink(personRgb(shared) ?? (await frame1280x720Rgba(shared)).frame, 8);
    const lb = { targetWidth: 64, targetHeight: 64, channelOrder: 'BGR', align: 'topLeft' } as const;
    const tensor = new Float32Array(letterboxTensorLength(lb));
    const tensorAsync = new Float32Array(letterboxTensorLength(lb));
    const grayOut = new Uint8Array(convertedLength(colour, 'GRAY8'));
    const resizer = new Resizer({ srcWidthPx: euroc.widthPx, srcHeightPx: euroc.heightPx, dstWidthPx: 50, dstHeightPx: 33, format: 'GRAY8', interpolation: 'area' });
    const resized = new Uint8Array(resizer.outputLength());
    // The EuRoC cam0 calibration scaled with the frame (÷ 8): a real camera model for the 94 × 60 frame.
    const cam = await eurocCamera(shared);
    const small: CameraModel = { ...cam, intrinsics: cam.intrinsics.map((v) => v / 8) as unknown as CameraModel['intrinsics'] };
    const undistorter = new Undistorter(small, { widthPx: euroc.widthPx, heightPx: euroc.heightPx });
    const undistorted = new Uint8Array(euroc.data.length);
    const points = pointGrid(euroc.widthPx, euroc.heightPx).subarray(0, 20);
    const pointsOut = new Float64Array(points.length);
    return {
      letterboxSync: () => letterboxSync(colour, lb, tensor),
      letterbox: () => letterbox(euroc, lb, tensorAsync),
      convertSync: () => convertSync(colour, 'GRAY8', grayOut),
      resizeSync: () => resizer.resizeSync(euroc, resized),
      remapSync: () => undistorter.remapSync(euroc, undistorted),
      undistortPointsSync: () => undistortPointsSync(small, points, pointsOut),
    };
  },
};

export default area;
