/**
 * euroc-camera on the EuRoC MH_01 excerpt cam0 (600 PNG, 752×480 gray, 20 Hz; see its PROVENANCE.md) and on
 * damaged or re-encoded copies of its frames.
 */
import { copyFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EurocCamera } from '../../hal/mock/euroc-camera.js';
import { DeviceError, SampleError } from '../../hal/types.js';
import type { CameraFrame } from '../../hal/types.js';
import { MH01_CAM0, V101, drain, field, plainCsv, tmpFolder } from './data.js';
import { buildCameraFolder } from './fixtures.js';

let tmp = '';
let removeTmp: () => Promise<void> = async () => undefined;
beforeAll(async () => {
  const t = await tmpFolder('camera');
  tmp = t.dir;
  removeTmp = t.remove;
});
afterAll(async () => {
  await removeTmp();
});

describe('euroc-camera on EuRoC MH_01 cam0', () => {
  it('describes the camera from sensor.yaml and the images', async () => {
    const cam = new EurocCamera({ id: 'cam0', path: MH01_CAM0 });
    await cam.open();
    const rows = await plainCsv(join(MH01_CAM0, 'data.csv'));
    expect(cam.info).toMatchObject({ id: 'cam0', kind: 'camera', driver: 'euroc-camera', replay: true, role: 'tracking' });
    expect(cam.info).toMatchObject({ widthPx: 752, heightPx: 480, format: 'GRAY8', nominalRateHz: 20, source: MH01_CAM0 });
    expect(cam.info.calibration).toEqual({
      intrinsics: [458.654, 457.296, 367.215, 248.375],
      distortionModel: 'radial-tangential',
      distortion: [-0.28340811, 0.07395907, 0.00019359, 1.76187114e-5],
      T_body_camera: [
        0.0148655429818, -0.999880929698, 0.00414029679422, -0.0216401454975, 0.999557249008, 0.0149672133247, 0.025715529948,
        -0.064676986768, -0.0257744366974, 0.00375618835797, 0.999660727178, 0.00981073058949, 0, 0, 0, 1,
      ],
    });
    expect(cam.frameCount).toBe(600);
    expect(cam.firstTimeNs).toBe(BigInt(field(rows[0], 0)));
    expect(cam.lastTimeNs).toBe(BigInt(field(rows.at(-1), 0)));
    await cam.close();
  });

  it('replays the 600 frames with their data.csv stamps; the pixels match the recording', async () => {
    const rows = await plainCsv(join(MH01_CAM0, 'data.csv'));
    const cam = new EurocCamera({ id: 'cam0', path: MH01_CAM0 });
    await cam.open();
    const diffs: number[] = [];
    let previous: CameraFrame | undefined;
    let count = 0;
    for (let frame = await cam.read(); frame !== null; frame = await cam.read()) {
      expect(frame.seq).toBe(count);
      expect(frame.deviceTimeNs).toBe(BigInt(field(rows[count], 0)));
      if (previous !== undefined) diffs.push(meanAbsDiff(frame.data, previous.data));
      previous = frame;
      count += 1;
    }
    expect(count).toBe(600);
    // PROVENANCE.md: mean absolute frame-to-frame difference 33.1 grey levels in the moving half, 2.7 in the static half.
    expect(mean(diffs.slice(0, 300))).toBeCloseTo(33.1, 1);
    expect(mean(diffs.slice(300))).toBeCloseTo(2.7, 1);
    await cam.close();
  });

  it('replays only the frames inside a time window', async () => {
    const rows = await plainCsv(join(MH01_CAM0, 'data.csv'));
    const fromNs = BigInt(field(rows[100], 0));
    const toNs = BigInt(field(rows[199], 0));
    const cam = new EurocCamera({ id: 'cam0', path: MH01_CAM0, window: { fromNs, toNs } });
    await cam.open();
    expect(cam.frameCount).toBe(100);
    const first = await cam.read();
    expect(first?.seq).toBe(100);
    expect(first?.deviceTimeNs).toBe(fromNs);
    await cam.close();
  });
});

describe('euroc-camera on damaged copies', () => {
  it('raises DeviceError naming a missing folder', async () => {
    const path = join(tmp, 'no-such-cam');
    const cam = new EurocCamera({ id: 'cam0', path });
    await expect(cam.open()).rejects.toThrow(new DeviceError('cam0', `cannot open ${path}: no such file or directory (ENOENT)`));
  });

  it('raises DeviceError naming a missing data.csv', async () => {
    const dir = join(tmp, 'no-csv');
    await buildCameraFolder(dir, 2);
    await rm(join(dir, 'data.csv'));
    const cam = new EurocCamera({ id: 'cam0', path: dir });
    await expect(cam.open()).rejects.toThrow(new DeviceError('cam0', `cannot open ${join(dir, 'data.csv')}: no such file or directory (ENOENT)`));
  });

  it('reports a corrupt PNG and a missing image as SampleErrors naming frame and file, and goes on', async () => {
    const dir = join(tmp, 'corrupt');
    const frames = await buildCameraFolder(dir, 6);
    const [f0, f1, f2, f3, f4, f5] = frames;
    if (f0 === undefined || f1 === undefined || f2 === undefined || f3 === undefined || f4 === undefined || f5 === undefined) {
      throw new Error('fixture');
    }
    await truncate(f2.file, 40_000); // cut inside the IDAT data
    await rm(f4.file);
    const cam = new EurocCamera({ id: 'cam0', path: dir });
    await cam.open();
    expect((await cam.read())?.seq).toBe(0);
    expect((await cam.read())?.seq).toBe(1);
    await expect(cam.read()).rejects.toThrow(new SampleError('cam0', { file: f2.file, frame: 2 }, 'cannot decode image: vipspng: libpng read error'));
    const next = await cam.read();
    expect(next?.seq).toBe(3);
    expect(next?.deviceTimeNs).toBe(f3.tNs);
    await expect(cam.read()).rejects.toThrow(`cam0: ${f4.file} frame 4: cannot read image: no such file or directory (ENOENT)`);
    expect((await cam.read())?.deviceTimeNs).toBe(f5.tNs);
    expect(await cam.read()).toBeNull();
    await cam.close();
  });

  it('reports a bad data.csv row at its line and replays the rows around it', async () => {
    const dir = join(tmp, 'bad-row');
    const frames = await buildCameraFolder(dir, 3);
    const lines = ['#timestamp [ns],filename', ...frames.map((f) => `${f.tNs},${f.name}`)];
    lines.splice(2, 0, '14036365848', ''); // a row cut short after 11 digits, then an empty line
    await writeFile(join(dir, 'data.csv'), lines.join('\n'));
    const cam = new EurocCamera({ id: 'cam0', path: dir });
    await cam.open();
    const { samples, errors } = await drain(cam);
    expect(samples.map((f) => f.seq)).toEqual([0, 2, 3]);
    expect(errors.map((e) => e.message)).toEqual([`cam0: ${join(dir, 'data.csv')}:3: expected 2 fields (timestamp, filename), got 1`]);
  });

  it('refuses a sensor.yaml whose resolution disagrees with the images', async () => {
    const dir = join(tmp, 'bad-yaml');
    await buildCameraFolder(dir, 2, 'png', false);
    await writeFile(join(dir, 'sensor.yaml'), 'rate_hz: 20\nresolution: [640, 480]\n');
    const cam = new EurocCamera({ id: 'cam0', path: dir });
    const yaml = join(dir, 'sensor.yaml');
    await expect(cam.open()).rejects.toThrow(new DeviceError('cam0', `${yaml}: resolution 640×480 does not match the images (752×480)`));
  });
});

describe('euroc-camera on other image formats and sensor.yaml flavours', () => {
  it('reads an ASL folder of JPEG frames as a world camera (RGB8, rate from the stamps)', async () => {
    const dir = join(tmp, 'jpeg');
    const frames = await buildCameraFolder(dir, 10, 'jpeg', false);
    const cam = new EurocCamera({ id: 'world', path: dir, role: 'world' });
    await cam.open();
    expect(cam.info).toMatchObject({ role: 'world', widthPx: 752, heightPx: 480, format: 'RGB8' });
    expect(cam.info.nominalRateHz).toBeCloseTo(20, 3);
    expect(cam.info.calibration).toBeUndefined();
    const frame = await cam.read();
    const png = await grayPixels(frames[0]?.source ?? '');
    const red = frame?.data.filter((_, i) => i % 3 === 0) ?? new Uint8Array(0);
    expect(meanAbsDiff(red, png)).toBeLessThan(2); // JPEG q95 of the real frame
    await cam.close();
  });

  it('decodes lossless WebP frames to exactly the PNG pixels', async () => {
    const dir = join(tmp, 'webp');
    const frames = await buildCameraFolder(dir, 3, 'webp-lossless');
    const cam = new EurocCamera({ id: 'cam0', path: dir, format: 'GRAY8' });
    await cam.open();
    for (const f of frames) {
      const frame = await cam.read();
      expect(Buffer.compare(Buffer.from(frame?.data ?? []), await grayPixels(f.source))).toBe(0);
    }
    await cam.close();
  });

  it('reads an OpenCV-style sensor.yaml (%YAML:1.0 header, EuRoC V1_01 cam0)', async () => {
    const dir = join(tmp, 'opencv-yaml');
    await buildCameraFolder(dir, 2, 'png', false);
    await copyFile(join(V101, 'mav0/cam0/sensor.yaml'), join(dir, 'sensor.yaml'));
    const cam = new EurocCamera({ id: 'cam0', path: dir });
    await cam.open();
    expect(cam.info.nominalRateHz).toBe(20);
    expect(cam.info.calibration?.intrinsics).toEqual([458.654, 457.296, 367.215, 248.375]);
    await cam.close();
  });
});

/** The 8-bit grey pixels of a 1-channel PNG (sharp's raw output would otherwise be sRGB, 3 channels). */
function grayPixels(file: string): Promise<Buffer> {
  return sharp(file).toColourspace('b-w').raw().toBuffer();
}

function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
  return sum / a.length;
}

function mean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}
