/**
 * video-camera on the Intel sample video (768×432 H.264, 10 fps, 1,394 frames) and an ASL gesture clip (640×480,
 * 30 fps, 77 frames, stream start 33 ms), see video/PROVENANCE.md. These tests need FFmpeg (installed by
 * setup.sh); without it they fail with the driver's install hint.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EurocCamera } from '../../hal/mock/euroc-camera.js';
import { VideoCamera } from '../../hal/mock/video-camera.js';
import { DeviceError, SampleError } from '../../hal/types.js';
import type { CameraFrame } from '../../hal/types.js';
import { ASL_AGAIN_MKV, PERSON_MP4, drain, tmpFolder } from './data.js';

const INSTALL = 'install it with "apt-get install ffmpeg" (Debian/Ubuntu) or run the project\'s setup.sh';

let tmp = '';
let removeTmp: () => Promise<void> = async () => undefined;
beforeAll(async () => {
  const t = await tmpFolder('video');
  tmp = t.dir;
  removeTmp = t.remove;
});
afterAll(async () => {
  await removeTmp();
});

describe('video-camera', () => {
  it('replays the 1,394 frames of the person video at 100 ms steps', async () => {
    const cam = new VideoCamera({ id: 'world', path: PERSON_MP4 });
    await cam.open();
    expect(cam.info).toMatchObject({ kind: 'camera', driver: 'video-camera', role: 'world', widthPx: 768, heightPx: 432, format: 'RGB8', nominalRateHz: 10 });
    expect(cam.frameCount).toBe(1_394);
    let count = 0;
    let last: CameraFrame | undefined;
    for (let f = await cam.read(); f !== null; f = await cam.read()) {
      if (f.seq !== count || f.deviceTimeNs !== BigInt(count) * 100_000_000n) expect.fail(`frame ${count}: seq ${f.seq} at ${f.deviceTimeNs} ns`);
      last = f;
      count += 1;
    }
    expect(count).toBe(1_394);
    expect(last?.deviceTimeNs).toBe(139_300_000_000n);
    expect(last?.data.length).toBe(768 * 432 * 3);
    await cam.close();
  });

  it('keeps the container timeline of the gesture clip (first frame at 33 ms)', async () => {
    const cam = new VideoCamera({ id: 'world', path: ASL_AGAIN_MKV });
    await cam.open();
    expect(cam.info).toMatchObject({ widthPx: 640, heightPx: 480, nominalRateHz: 30 });
    const { samples } = await drain(cam);
    expect(samples).toHaveLength(77);
    expect(samples[0]?.deviceTimeNs).toBe(33_000_000n);
    expect(samples[1]?.deviceTimeNs).toBe(67_000_000n);
    expect(samples[0]?.data.buffer.byteLength).toBe(640 * 480 * 3); // each frame owns its buffer
  });

  it('kills FFmpeg on close', async () => {
    const cam = new VideoCamera({ id: 'world', path: PERSON_MP4 });
    await cam.open();
    await cam.read();
    const pid = cam.decoderPid;
    expect(pid).toBeGreaterThan(0);
    await cam.close();
    expect(cam.decoderPid).toBeUndefined();
    expect(() => process.kill(pid ?? 0, 0)).toThrow(/ESRCH/);
  });

  it('replays a file cut short, then reports the damage once at the frame where it stops', async () => {
    const path = join(tmp, 'cut.mkv');
    await writeFile(path, (await readFile(ASL_AGAIN_MKV)).subarray(0, 100_000));
    const cam = new VideoCamera({ id: 'world', path });
    await cam.open();
    const { samples, errors } = await drain(cam);
    expect(samples).toHaveLength(30);
    expect(errors.map((e) => e.message)).toEqual([`world: ${path} frame 30: FFmpeg reported damaged input: [matroska,webm] File ended prematurely`]);
    expect(errors[0]).toBeInstanceOf(SampleError);
  });

  it('raises DeviceError naming a missing file', async () => {
    const path = join(tmp, 'none.mp4');
    await expect(new VideoCamera({ id: 'world', path }).open()).rejects.toThrow(new DeviceError('world', `cannot open ${path}: no such file or directory (ENOENT)`));
  });

  it('says how to install FFmpeg when ffprobe or ffmpeg is missing', async () => {
    const noProbe = new VideoCamera({ id: 'world', path: ASL_AGAIN_MKV, ffprobePath: join(tmp, 'no-ffprobe') });
    await expect(noProbe.open()).rejects.toThrow(
      new DeviceError('world', `ffprobe not found (ENOENT): the video-camera driver needs FFmpeg to read ${ASL_AGAIN_MKV}; ${INSTALL}`),
    );
    const noFfmpeg = new VideoCamera({ id: 'world', path: ASL_AGAIN_MKV, ffmpegPath: join(tmp, 'no-ffmpeg') });
    await expect(noFfmpeg.open()).rejects.toThrow(
      new DeviceError('world', `ffmpeg not found (ENOENT): the video-camera driver needs FFmpeg to read ${ASL_AGAIN_MKV}; ${INSTALL}`),
    );
  });

  it('feeds a world camera stored as an ASL folder of colour JPEG frames (euroc-camera, RGB8)', async () => {
    const video = new VideoCamera({ id: 'world', path: ASL_AGAIN_MKV });
    await video.open();
    const { samples } = await drain(video, 12);
    await video.close();
    const dir = join(tmp, 'world');
    await mkdir(join(dir, 'data'), { recursive: true });
    const rows = ['#timestamp [ns],filename'];
    for (const f of samples) {
      const name = `${f.deviceTimeNs}.jpg`;
      await sharp(f.data, { raw: { width: f.widthPx, height: f.heightPx, channels: 3 } }).jpeg({ quality: 95 }).toFile(join(dir, 'data', name));
      rows.push(`${f.deviceTimeNs},${name}`);
    }
    await writeFile(join(dir, 'data.csv'), rows.join('\n') + '\n');
    const cam = new EurocCamera({ id: 'world', path: dir, role: 'world' });
    await cam.open();
    expect(cam.info).toMatchObject({ role: 'world', widthPx: 640, heightPx: 480, format: 'RGB8' });
    expect(cam.info.nominalRateHz).toBeCloseTo(1000 / 33, 9); // median pts step: 33 ms (34 ms every third frame, 1 ms time base)
    const replayed = await drain(cam);
    expect(replayed.samples.map((f) => f.deviceTimeNs)).toEqual(samples.map((f) => f.deviceTimeNs));
    const a = samples[5]?.data ?? new Uint8Array(0);
    const b = replayed.samples[5]?.data ?? new Uint8Array(0);
    let sum = 0;
    for (let i = 0; i < a.length; i++) sum += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
    expect(sum / a.length).toBeLessThan(3); // JPEG q95
  });
});
