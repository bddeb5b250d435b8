/**
 * euroc-groundtruth on the EuRoC MH_01 excerpt (36,382 poses, 5,990 inside the cam0 span; 8 columns) and V1_01
 * (999 poses with velocity and bias columns), and on a damaged copy.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEurocGroundTruth } from '../../hal/mock/euroc-groundtruth.js';
import { DeviceError } from '../../hal/types.js';
import { MH01_CAM0, MH01_GT, V101, field, plainCsv, tmpFolder } from './data.js';

let tmp = '';
let removeTmp: () => Promise<void> = async () => undefined;
beforeAll(async () => {
  const t = await tmpFolder('gt');
  tmp = t.dir;
  removeTmp = t.remove;
});
afterAll(async () => {
  await removeTmp();
});

describe('euroc-groundtruth', () => {
  it('loads the 36,382 MH_01 poses into typed arrays', async () => {
    const rows = await plainCsv(join(MH01_GT, 'data.csv'));
    const gt = await loadEurocGroundTruth(MH01_GT);
    expect(gt.count).toBe(36_382);
    expect(gt.skipped).toEqual([]);
    expect(gt.tNs).toBeInstanceOf(BigInt64Array);
    expect(gt.position).toHaveLength(3 * 36_382);
    expect(gt.q_world_body).toHaveLength(4 * 36_382);
    // PROVENANCE.md: the first row matches the original EuRoC row 1403636580838555648, 4.688319, -1.786938, 0.783338, 0.534108, …
    expect(gt.tNs[0]).toBe(1403636580838560000n);
    expect([...gt.position.subarray(0, 3)]).toEqual([4.688319, -1.786938, 0.783338]);
    expect([...gt.q_world_body.subarray(0, 4)]).toEqual([0.534108, -0.153029, -0.827383, -0.082152]);
    const last = rows.at(-1);
    const n = gt.count - 1;
    expect(gt.tNs[n]).toBe(BigInt(field(last, 0)));
    expect([...gt.position.subarray(3 * n)]).toEqual([1, 2, 3].map((i) => Number(field(last, i))));
    expect([...gt.q_world_body.subarray(4 * n)]).toEqual([4, 5, 6, 7].map((i) => Number(field(last, i))));
  });

  it('keeps the 5,990 poses inside the cam0 span when given that window', async () => {
    const frames = await plainCsv(join(MH01_CAM0, 'data.csv'));
    const gt = await loadEurocGroundTruth(join(MH01_GT, 'data.csv'), { window: { fromNs: BigInt(field(frames[0], 0)), toNs: BigInt(field(frames.at(-1), 0)) } });
    expect(gt.count).toBe(5_990);
  });

  it('reads the first 8 of the 17 columns of the raw V1_01 file', async () => {
    const gt = await loadEurocGroundTruth(join(V101, 'mav0/state_groundtruth_estimate0'));
    expect(gt.count).toBe(999);
    expect(gt.tNs[0]).toBe(1403715274302142976n);
    expect([...gt.q_world_body.subarray(0, 4)]).toEqual([0.060514, -0.828459, -0.058956, -0.553641]);
  });

  it('skips bad rows, listing each with its line, and loads the rest', async () => {
    const dir = join(tmp, 'damaged');
    await mkdir(dir, { recursive: true });
    const lines = (await readFile(join(MH01_GT, 'data.csv'), 'utf8')).split('\n').slice(0, 6);
    lines[2] = (lines[2] ?? '').replace('0.534640', 'NaN');
    lines[4] = (lines[4] ?? '').slice(0, 30);
    await writeFile(join(dir, 'data.csv'), lines.join('\n'));
    const gt = await loadEurocGroundTruth(dir);
    const file = join(dir, 'data.csv');
    expect(gt.skipped.map((e) => e.message)).toEqual([
      `groundtruth: ${file}:3: q_RS_w: expected a number, got "NaN"`,
      `groundtruth: ${file}:5: expected at least 8 fields (timestamp, p xyz, q wxyz), got 3`,
    ]);
    expect(gt.count).toBe(3);
  });

  it('raises DeviceError naming a missing file', async () => {
    const path = join(tmp, 'none/data.csv');
    await expect(loadEurocGroundTruth(path)).rejects.toThrow(new DeviceError('groundtruth', `cannot open ${path}: no such file or directory (ENOENT)`));
  });
});
