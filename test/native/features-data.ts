/**
 * Real frames and OpenCV answers for the features tests: EuRoC MH_01 cam0 frames (ASL/ETH Zurich;
 * see ../shared/data/euroc_mh01_excerpt/PROVENANCE.md), decoded by sharp, and the oracles in
 * `bench/oracle/features_*.py` (OpenCV from PyPI).
 */
import { decodeFloat32, decodeInt32, decodeUint8, oracleAvailable, runOracle } from '../../bench/oracle/python.js';
import type { GrayFrame } from '../../native/index.js';
import { HAS_SHARED_DATA, decodeGray, eurocFramePaths } from './data.js';

/** Whether the real data and the Python oracles are both there. */
export const CAN_COMPARE = HAS_SHARED_DATA && oracleAvailable();

/**
 * Frames across the excerpt: the first 15 s are hand-held motion (frames 0–299), the last 15 s
 * static (300–599).
 */
export const FRAME_INDICES = [0, 60, 120, 180, 240, 299, 350, 450, 599] as const;

export interface RealFrame {
  readonly path: string;
  readonly frame: GrayFrame;
}

export async function loadFrames(indices: readonly number[]): Promise<RealFrame[]> {
  const paths = eurocFramePaths();
  return Promise.all(
    indices.map(async (i) => {
      const path = paths[i];
      if (path === undefined) throw new Error(`no EuRoC frame ${i}`);
      return { path, frame: await decodeGray(path) };
    }),
  );
}

/** A copy of `frame` cropped to `w × h` at the top-left (rows packed). */
export function crop(frame: GrayFrame, w: number, h: number): GrayFrame {
  const stride = frame.strideBytes ?? frame.widthPx;
  const data = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) data.set(frame.data.subarray(y * stride, y * stride + w), y * w);
  return { data, widthPx: w, heightPx: h, format: 'GRAY8' };
}

export { decodeFloat32, decodeInt32, decodeUint8, runOracle };
