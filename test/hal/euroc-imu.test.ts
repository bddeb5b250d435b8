/**
 * euroc-imu on the EuRoC MH_01 excerpt imu0 (36,820 rows, 200 Hz, 5,991 inside the cam0 span) and V1_01 imu0
 * (29,120 rows, OpenCV-style sensor.yaml), and on damaged copies of the MH_01 file.
 */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EurocImu } from '../../hal/mock/euroc-imu.js';
import { DeviceError, SampleError } from '../../hal/types.js';
import type { ImuSample } from '../../hal/types.js';
import { MH01_CAM0, MH01_IMU0, V101_IMU0, drain, field, plainCsv, tmpFolder } from './data.js';
import type { PlainRow } from './data.js';

let tmp = '';
let removeTmp: () => Promise<void> = async () => undefined;
beforeAll(async () => {
  const t = await tmpFolder('imu');
  tmp = t.dir;
  removeTmp = t.remove;
});
afterAll(async () => {
  await removeTmp();
});

/** The sample a data.csv row should give. */
function expected(row: PlainRow | undefined): ImuSample {
  const n = (i: number): number => Number(field(row, i));
  return { deviceTimeNs: BigInt(field(row, 0)), gyroRadps: [n(1), n(2), n(3)], accelMps2: [n(4), n(5), n(6)] };
}

/** A copy of the MH_01 imu0 folder whose data.csv is `edit(original text)`. */
async function damagedCopy(name: string, edit: (text: string) => string): Promise<string> {
  const dir = join(tmp, name);
  await mkdir(dir, { recursive: true });
  await copyFile(join(MH01_IMU0, 'sensor.yaml'), join(dir, 'sensor.yaml'));
  await writeFile(join(dir, 'data.csv'), edit(await readFile(join(MH01_IMU0, 'data.csv'), 'utf8')));
  return dir;
}

describe('euroc-imu on EuRoC recordings', () => {
  it('replays all 36,820 MH_01 samples with the noise model of sensor.yaml', async () => {
    const rows = await plainCsv(join(MH01_IMU0, 'data.csv'));
    const imu = new EurocImu({ id: 'imu0', path: MH01_IMU0 });
    await imu.open();
    expect(imu.info).toMatchObject({ id: 'imu0', kind: 'imu', driver: 'euroc-imu', nominalRateHz: 200, hasMagnetometer: false });
    expect(imu.info.noise).toEqual({
      gyroNoiseDensityRadpsPerSqrtHz: 1.6968e-4,
      gyroRandomWalkRadps2PerSqrtHz: 1.9393e-5,
      accelNoiseDensityMps2PerSqrtHz: 2.0e-3,
      accelRandomWalkMps3PerSqrtHz: 3.0e-3,
    });
    const { samples, errors } = await drain(imu);
    expect(errors).toEqual([]);
    expect(samples).toHaveLength(36_820);
    expect(samples[0]).toEqual(expected(rows[0]));
    expect(samples[0]).toEqual({ deviceTimeNs: 1403636579758560000n, gyroRadps: [-0.0991347015, 0.1473057889, 0.0272271363], accelMps2: [8.1476917083, -0.3759215833, -2.40262925] });
    expect(samples.at(-1)).toEqual(expected(rows.at(-1)));
    await imu.close();
  });

  it('replays the 5,991 samples inside the cam0 span [first frame, last frame]', async () => {
    const frames = await plainCsv(join(MH01_CAM0, 'data.csv'));
    const fromNs = BigInt(field(frames[0], 0));
    const toNs = BigInt(field(frames.at(-1), 0));
    const imu = new EurocImu({ id: 'imu0', path: MH01_IMU0, window: { fromNs, toNs } });
    await imu.open();
    const { samples } = await drain(imu);
    expect(samples).toHaveLength(5_991);
    // EuRoC: every 10th IMU sample coincides with a frame (PROVENANCE.md), so the span starts and ends on one.
    expect(samples[0]?.deviceTimeNs).toBe(1403636584763555584n);
    expect(samples.at(-1)).toEqual({ deviceTimeNs: 1403636614713555456n, gyroRadps: [-0.0006981317, 0.0181514242, 0.0851720675], accelMps2: [9.4552450417, -0.44129925, -2.5905900417] });
    await imu.close();
  });

  it('reads V1_01 (29,120 samples) with its %YAML:1.0 sensor.yaml', async () => {
    const rows = await plainCsv(join(V101_IMU0, 'data.csv'));
    const imu = new EurocImu({ id: 'imu0', path: join(V101_IMU0, 'data.csv') });
    await imu.open();
    expect(imu.info.nominalRateHz).toBe(200);
    expect(imu.info.noise?.gyroNoiseDensityRadpsPerSqrtHz).toBe(1.6968e-4);
    const { samples } = await drain(imu);
    expect(samples).toHaveLength(29_120);
    expect(samples.at(-1)).toEqual(expected(rows.at(-1)));
    await imu.close();
  });
});

describe('euroc-imu on damaged copies', () => {
  it('raises DeviceError naming a missing data.csv', async () => {
    const dir = join(tmp, 'empty');
    await mkdir(dir, { recursive: true });
    const imu = new EurocImu({ id: 'imu0', path: dir });
    await expect(imu.open()).rejects.toThrow(new DeviceError('imu0', `cannot open ${join(dir, 'data.csv')}: no such file or directory (ENOENT)`));
  });

  it('returns every sample before a last line cut in half, then a SampleError naming file:line, then null', async () => {
    const dir = await damagedCopy('truncated', (text) => {
      const body = text.trimEnd();
      const cut = body.lastIndexOf('\n') + 1;
      return body.slice(0, cut) + body.slice(cut, cut + (body.length - cut) / 2); // '1403636763853560064,-0.0062831853,0.0027925268,0.'
    });
    const rows = await plainCsv(join(MH01_IMU0, 'data.csv'));
    const imu = new EurocImu({ id: 'imu0', path: dir });
    await imu.open();
    const samples: ImuSample[] = [];
    let error: unknown;
    for (;;) {
      try {
        const s = await imu.read();
        if (s === null) break;
        samples.push(s);
      } catch (err) {
        error = err;
      }
    }
    expect(samples).toHaveLength(36_819);
    expect(samples.at(-1)).toEqual(expected(rows.at(-2)));
    expect(error).toBeInstanceOf(SampleError);
    expect((error as SampleError).where).toEqual({ file: join(dir, 'data.csv'), line: 36_821 });
    expect((error as Error).message).toBe(`imu0: ${join(dir, 'data.csv')}:36821: expected 7 fields (timestamp, 3 gyro, 3 accel), got 4`);
  });

  it('reports a non-numeric value and a stamp going back, each at its line, and goes on', async () => {
    const dir = await damagedCopy('bad-values', (text) => {
      const lines = text.split('\n');
      lines[2] = (lines[2] ?? '').replace('8.0332807917', '8.03x');
      lines[4] = (lines[4] ?? '').replace(/^\d+/, '1403636579758560000');
      return lines.slice(0, 8).join('\n');
    });
    const file = join(dir, 'data.csv');
    const imu = new EurocImu({ id: 'imu0', path: dir });
    await imu.open();
    const { samples, errors } = await drain(imu);
    expect(errors.map((e) => e.message)).toEqual([
      `imu0: ${file}:3: a_RS_S_x: expected a number, got "8.03x"`,
      `imu0: ${file}:5: timestamp 1403636579758560000 ns is not after the previous sample's 1403636579768560128 ns`,
    ]);
    expect(samples.map((s) => s.deviceTimeNs)).toEqual([1403636579758560000n, 1403636579768560128n, 1403636579778560000n, 1403636579783559936n, 1403636579788559872n]);
  });

  it('infers the rate from the stamps when there is no sensor.yaml', async () => {
    const dir = join(tmp, 'no-yaml');
    await mkdir(dir, { recursive: true });
    await copyFile(join(MH01_IMU0, 'data.csv'), join(dir, 'data.csv'));
    const imu = new EurocImu({ id: 'imu0', path: dir });
    await imu.open();
    expect(imu.info.nominalRateHz).toBeCloseTo(200, 2);
    expect(imu.info.noise).toBeUndefined();
    expect((await imu.read())?.deviceTimeNs).toBe(1403636579758560000n);
    await imu.close();
  });
});
