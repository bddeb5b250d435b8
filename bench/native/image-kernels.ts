/**
 * Conversions, resizes and undistortion against OpenCV (single-threaded, median of repeated
 * `perf_counter_ns` spans in Python: `bench/oracle/image_{convert,resize,undistort}.py`), on real frames:
 * - conversions of the person-video frame (768×432) in every format OpenCV makes from it (YUYV, NV12, BGR8,
 *   RGBA8, GRAY8) to GRAY8 / RGB8 (`convertSync`);
 * - resizes (`Resizer`, sync; the async twin once): EuRoC cam0 752×480 GRAY8 → 416×265 (linear, area) and
 *   → 376×240 (2×), the person frame RGB8 → 416×234 (linear), the 1280×720 RGBA8 input → 640×360 and 416×234;
 * - undistortion with the EuRoC cam0 calibration (radial-tangential) and the TUM VI equidistant coefficients on
 *   the EuRoC intrinsics: the map build, one remap of a real cam0 frame (sync and async), 425 points.
 * Ratios `opencv/native` are speed-ups of native (> 1: native faster), native tinybench p50 against OpenCV's
 * median.
 */
import { Resizer, Undistorter, convertSync, convertedLength, undistortPointsSync, type CameraModel, type ConvertTarget, type FrameView, type InputPixelFormat, type RawFrameView, type ResizeSpec } from '../../native/index.js';
import { timeTasks, type Figure } from '../harness.js';
import { decodeUint8, encodeArray, oracleAvailable, runOracle } from '../oracle/python.js';
import { TUM_VI_EQUIDISTANT, oracleFrame } from './image-frames.js';

export interface Measured {
  figures: Record<string, Figure>;
  ratios: Record<string, number>;
}

interface PeerTime {
  readonly medianUs: number;
  readonly bestUs: number;
}

const us = (ns: number): Figure => ({ value: ns / 1e3, unit: 'µs' });

/** Adds ours (p50, mean) and the peer (median, best) and their ratio under `key`. */
function record(m: Measured, key: string, oursP50Ns: number, oursMeanNs: number, peer: PeerTime | undefined): void {
  m.figures[`${key}.native.p50Us`] = us(oursP50Ns);
  m.figures[`${key}.native.meanUs`] = us(oursMeanNs);
  if (peer === undefined) return;
  m.figures[`${key}.opencv.medianUs`] = { value: peer.medianUs, unit: 'µs' };
  m.figures[`${key}.opencv.bestUs`] = { value: peer.bestUs, unit: 'µs' };
  m.ratios[`${key}.opencv/native`] = (peer.medianUs * 1e3) / oursP50Ns;
}

async function timed(tasks: Record<string, () => unknown>, timeMs: number): Promise<Map<string, { p50: number; mean: number }>> {
  const t = await timeTasks(tasks, { timeMs });
  return new Map(t.map((x) => [x.name, { p50: x.p50Ns, mean: x.meanNs }]));
}

/** Every conversion of the person frame, ours against `cv2.cvtColor`. */
export async function benchConvert(rgb: FrameView, timeMs: number, repeats: number, m: Measured): Promise<void> {
  if (!oracleAvailable()) return;
  const request = { rgb: encodeArray(rgb.data), width: rgb.widthPx, height: rgb.heightPx };
  const { inputs } = runOracle<{ inputs: Record<string, string> }>('image_convert.py', { op: 'frame', ...request });
  const { times } = runOracle<{ times: Record<string, PeerTime> }>('image_convert.py', { op: 'time', ...request, repeats });
  const tasks: Record<string, () => unknown> = {};
  for (const name of Object.keys(times)) {
    const [from, to] = name.split('>') as [InputPixelFormat, ConvertTarget];
    const frame: RawFrameView = { data: decodeUint8(inputs[from] as string), widthPx: rgb.widthPx, heightPx: rgb.heightPx, format: from };
    const out = new Uint8Array(convertedLength(frame, to));
    tasks[name] = () => convertSync(frame, to, out);
  }
  for (const [name, t] of await timed(tasks, timeMs)) record(m, `convert.${name.replace('>', 'to')}`, t.p50, t.mean, times[name]);
}

export interface ResizeCase {
  readonly name: string;
  readonly frame: FrameView;
  readonly width: number;
  readonly height: number;
  readonly interpolation: 'linear' | 'area';
}

/** Each resize case, ours (sync; the first also async) against `cv2.resize`. */
export async function benchResize(cases: readonly ResizeCase[], timeMs: number, repeats: number, m: Measured): Promise<void> {
  const tasks: Record<string, () => unknown> = {};
  cases.forEach((c, i) => {
    const spec: ResizeSpec = { srcWidthPx: c.frame.widthPx, srcHeightPx: c.frame.heightPx, dstWidthPx: c.width, dstHeightPx: c.height, format: c.frame.format, interpolation: c.interpolation };
    const r = new Resizer(spec);
    const out = new Uint8Array(r.outputLength());
    tasks[c.name] = () => r.resizeSync(c.frame, out);
    if (i === 0) {
      const outAsync = new Uint8Array(r.outputLength());
      tasks[`${c.name}Async`] = () => r.resize(c.frame, outAsync);
    }
  });
  const ours = await timed(tasks, timeMs);
  let peers: PeerTime[] = [];
  if (oracleAvailable()) {
    const frames = Object.fromEntries(cases.map((c) => [c.name, oracleFrame(c.frame)]));
    const request = { frames, cases: cases.map((c) => ({ frame: c.name, width: c.width, height: c.height, interpolation: c.interpolation })), repeats };
    peers = runOracle<{ results: PeerTime[] }>('image_resize.py', request).results;
  }
  cases.forEach((c, i) => {
    const t = ours.get(c.name);
    if (t !== undefined) record(m, `resize.${c.name}`, t.p50, t.mean, peers[i]);
    const a = ours.get(`${c.name}Async`);
    if (a !== undefined) record(m, `resize.${c.name}.async`, a.p50, a.mean, peers[i]);
  });
}

/** A 25 × 17 grid of pixel positions over the image, corners included. */
export function pointGrid(w: number, h: number): Float64Array {
  const out: number[] = [];
  for (let j = 0; j <= 16; j++) for (let i = 0; i <= 24; i++) out.push((i * (w - 1)) / 24, (j * (h - 1)) / 16);
  return Float64Array.from(out);
}

/** Map build, remap (sync, async) and 425 points, for both models, ours against OpenCV. */
export async function benchUndistort(radtan: CameraModel, framePath: string, frame: FrameView, timeMs: number, repeats: number, m: Measured): Promise<void> {
  const models: [string, CameraModel][] = [
    ['radtan', radtan],
    ['equidistant', { ...radtan, distortionModel: 'equidistant', distortion: [...TUM_VI_EQUIDISTANT] }],
  ];
  const points = pointGrid(frame.widthPx, frame.heightPx);
  for (const [name, camera] of models) {
    const spec = { widthPx: frame.widthPx, heightPx: frame.heightPx };
    const u = new Undistorter(camera, spec);
    const [out, outAsync, pts] = [new Uint8Array(frame.data.length), new Uint8Array(frame.data.length), new Float64Array(points.length)];
    const ours = await timed(
      {
        map: () => new Undistorter(camera, spec),
        remap: () => u.remapSync(frame, out),
        remapAsync: () => u.remap(frame, outAsync),
        points: () => undistortPointsSync(camera, points, pts),
      },
      timeMs,
    );
    let peer: Record<string, PeerTime> | undefined;
    if (oracleAvailable()) {
      const request = { camera, width: frame.widthPx, height: frame.heightPx, frames: [{ path: framePath }], points: encodeArray(points), repeats };
      peer = runOracle<{ times: Record<string, PeerTime> }>('image_undistort.py', request).times;
    }
    for (const [task, t] of ours) record(m, `undistort.${name}.${task}`, t.p50, t.mean, peer?.[task === 'remapAsync' ? 'remap' : task]);
  }
}
