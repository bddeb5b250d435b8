/**
 * The v4l2 camera driver on the emulated UVC device fed by real recordings: the camera contract per pixel
 * format, decoded pixels against the recording (GREY, YUYV and NV12 exact on luma; MJPEG by PSNR; YUYV →
 * RGB8 against FFmpeg's own RGB decode), kernel-style timestamps and sequence numbers, drops when the reader
 * holds the buffers, faults, unplug and busy devices.
 */
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DeviceError, SampleError } from '../../../hal/types.js';
import { V4l2Camera } from '../../../hal/v4l2/camera.js';
import { convertV4l2Frame } from '../../../hal/v4l2/convert.js';
import type { CameraFrame } from '../../../hal/types.js';
import { cameraContract } from '../contract/camera.js';
import { MH01_CAM0, PERSON_MP4, drain } from '../data.js';
import { CAM_PATH, camera, eurocBackend, videoBackend } from './helpers.js';

const run = promisify(execFile);

/** The first `n` EuRoC cam0 frames decoded by sharp (GRAY8) with their ns stamps. */
async function eurocTruth(n: number): Promise<{ ns: bigint; gray: Buffer }[]> {
  const dir = join(MH01_CAM0, 'data');
  const names = (await readdir(dir)).filter((f) => f.endsWith('.png')).sort();
  return Promise.all(names.slice(0, n).map(async (f) => ({ ns: BigInt(f.slice(0, -4)), gray: await sharp(join(dir, f)).extractChannel(0).raw().toBuffer() })));
}

function psnr(a: Uint8Array, b: Uint8Array): number {
  let se = 0;
  for (let i = 0; i < a.length; i++) se += ((a[i] ?? 0) - (b[i] ?? 0)) ** 2;
  return 10 * Math.log10((255 * 255) / (se / a.length));
}

async function frames(cam: ReturnType<typeof camera>, n: number): Promise<CameraFrame[]> {
  await cam.open();
  const { samples } = await drain(cam, n);
  await cam.close();
  return samples;
}

for (const fourcc of ['GREY', 'YUYV', 'NV12', 'MJPG'] as const) {
  cameraContract(`v4l2 ${fourcc} → GRAY8 on the emulated UVC device (EuRoC MH_01 cam0)`, {
    maxSamples: 12,
    create: () => camera(eurocBackend(), { fourcc, role: 'tracking' }),
  });
}
for (const fourcc of ['YUYV', 'NV12', 'MJPG'] as const) {
  cameraContract(`v4l2 ${fourcc} → RGB8 on the emulated UVC device (person video)`, {
    maxSamples: 8,
    create: () => camera(videoBackend({ fourccs: ['YUYV', 'NV12', 'MJPG'] }), { fourcc, role: 'world' }),
  });
}

describe('v4l2 decoded pixels equal the recording', () => {
  it('GREY, YUYV and NV12 → GRAY8 are exact; MJPEG within JPEG quantisation (PSNR)', async () => {
    const truth = await eurocTruth(10);
    for (const fourcc of ['GREY', 'YUYV', 'NV12'] as const) {
      const got = await frames(camera(eurocBackend(), { fourcc, role: 'tracking' }), 10);
      expect(got.length).toBe(10);
      got.forEach((f, i) => {
        expect(f.seq).toBe(i);
        expect(Buffer.compare(Buffer.from(f.data), truth[i]?.gray ?? Buffer.alloc(0)), `${fourcc} frame ${i}`).toBe(0);
      });
    }
    const jpeg = await frames(camera(eurocBackend({ jpegQuality: 90 }), { fourcc: 'MJPG', role: 'tracking' }), 10);
    const db = jpeg.map((f, i) => psnr(f.data, truth[i]?.gray ?? new Uint8Array()));
    console.log(`v4l2 MJPG (quality 90) → GRAY8 on EuRoC cam0: PSNR min ${Math.min(...db).toFixed(2)} dB, mean ${(db.reduce((a, b) => a + b) / db.length).toFixed(2)} dB`);
    expect(Math.min(...db)).toBeGreaterThan(38);
  });

  it('YUYV → RGB8 of the person video matches FFmpeg’s own RGB decode (chroma subsampling only)', async () => {
    const got = await frames(camera(videoBackend({ fourccs: ['YUYV'] }), { role: 'world' }), 3);
    const { stdout } = await run('ffmpeg', ['-v', 'error', '-i', PERSON_MP4, '-frames:v', '3', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { encoding: 'buffer', maxBuffer: 1 << 24 });
    const size = 768 * 432 * 3;
    const db = got.map((f, i) => psnr(f.data, stdout.subarray(i * size, (i + 1) * size)));
    console.log(`v4l2 YUYV → RGB8 vs ffmpeg rgb24 (person video): PSNR ${db.map((d) => d.toFixed(2)).join(', ')} dB`);
    expect(Math.min(...db)).toBeGreaterThan(35);
  });
});

describe('v4l2 timestamps and sequence numbers', () => {
  it('stamps frames on CLOCK_MONOTONIC with the recording’s intervals, and hostTimeNs at arrival', async () => {
    const truth = await eurocTruth(8);
    const cam = camera(eurocBackend(), { fourcc: 'GREY', role: 'tracking' });
    const got = await frames(cam, 8);
    for (let i = 1; i < got.length; i++) {
      expect((got[i]?.deviceTimeNs ?? 0n) - (got[i - 1]?.deviceTimeNs ?? 0n)).toBe((truth[i]?.ns ?? 0n) - (truth[i - 1]?.ns ?? 0n));
      expect(typeof got[i]?.hostTimeNs).toBe('bigint');
    }
    expect(cam.captureStats).toMatchObject({ dequeued: 8, sequenceGaps: 0, timestampClock: 'monotonic' });
  });

  it('real-time pace: kernel-style stamps on the host clock, before the frame reaches the driver', async () => {
    const cam = camera(eurocBackend({ pace: 'realtime' }), { fourcc: 'GREY', role: 'tracking' });
    const got = await frames(cam, 4);
    for (const f of got) expect(f.hostTimeNs !== undefined && f.hostTimeNs >= f.deviceTimeNs).toBe(true);
  });

  it('counts the frames the device drops while the reader holds every buffer (sequence gaps)', async () => {
    const backend = eurocBackend({ pace: 'manual' });
    let entered!: () => void;
    let release!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const gate = new Promise<void>((r) => (release = r));
    let calls = 0;
    const cam = camera(backend, {
      fourcc: 'GREY',
      role: 'tracking',
      bufferCount: 2,
      converter: async (src, to, where) => {
        calls += 1;
        if (calls === 1) {
          entered();
          await gate;
        }
        return convertV4l2Frame(src, to, where);
      },
    });
    await cam.open();
    const dev = backend.camera(CAM_PATH);
    expect(await dev.captureFrame()).toBe('filled'); // seq 0 → buffer 0, the driver holds it in the gate
    await inside;
    expect(await dev.captureFrame()).toBe('filled'); // seq 1 → buffer 1
    for (let i = 0; i < 3; i++) expect(await dev.captureFrame()).toBe('dropped'); // seq 2–4: no buffer queued
    release();
    // The driver pushes a frame and re-queues its buffer in the same turn: two frames pushed = both queued.
    await expect.poll(() => cam.stats.received).toBe(2);
    expect(await dev.captureFrame()).toBe('filled'); // seq 5
    const seqs = [(await cam.read())?.seq, (await cam.read())?.seq, (await cam.read())?.seq];
    expect(seqs).toEqual([0, 1, 5]);
    expect(cam.captureStats.sequenceGaps).toBe(3);
    expect(dev.stats).toEqual({ captured: 3, dropped: 3 });
    await cam.close();
  });
});

describe('v4l2 format negotiation', () => {
  it('a webcam offering YUYV and MJPG gives GRAY8 from YUYV, and MJPG alone is decoded', async () => {
    const yuyv = camera(eurocBackend({ fourccs: ['MJPG', 'YUYV'] }), { role: 'tracking' });
    await yuyv.open();
    expect(yuyv.negotiated?.format).toMatchObject({ fourcc: 'YUYV', widthPx: 752, heightPx: 480, bytesPerLine: 1504 });
    await yuyv.close();
    const mjpg = camera(eurocBackend({ fourccs: ['MJPG'] }), { role: 'tracking' });
    await mjpg.open();
    expect(mjpg.negotiated?.format.fourcc).toBe('MJPG');
    expect((await mjpg.read())?.format).toBe('GRAY8');
    await mjpg.close();
  });

  it('takes the size the driver set when the request is not offered, and the nearest rate', async () => {
    const cam = camera(eurocBackend(), { fourcc: 'GREY', role: 'tracking', widthPx: 1280, heightPx: 720, rateHz: 9 });
    await cam.open();
    expect(cam.info).toMatchObject({ widthPx: 752, heightPx: 480, nominalRateHz: 10 });
    expect(cam.negotiated?.interval).toEqual({ numerator: 2, denominator: 20 });
    const [a, b] = [await cam.read(), await cam.read()];
    expect((b?.deviceTimeNs ?? 0n) - (a?.deviceTimeNs ?? 0n)).toBeGreaterThan(99_000_000n);
    await cam.close();
  });

  it('refuses a device without a format it can read, and a forced format not offered', async () => {
    await expect(camera(eurocBackend({ fourccs: [] }), {}).open()).rejects.toThrow(/^cam0: \/dev\/video0 \(.*\): the device offers no capture format; the driver needs one of GREY, YUYV, NV12, MJPG$/);
    await expect(camera(eurocBackend({ fourccs: ['YUYV'] }), { fourcc: 'NV12' }).open()).rejects.toThrow(/the device offers YUYV; the driver needs the requested NV12$/);
  });
});

describe('v4l2 faults', () => {
  it('a corrupt, cut-short or non-JPEG buffer is a SampleError naming device, frame and byte; the stream goes on', async () => {
    const backend = eurocBackend();
    const cam = camera(backend, { fourcc: 'YUYV', role: 'tracking' });
    await cam.open();
    await cam.read();
    const dev = backend.camera(CAM_PATH);
    // The fault hits the next frame the device captures; the frames around it still arrive.
    dev.injectFault('error-flag');
    const after = await drain(cam, 3);
    expect(after.errors.map((e) => e.message).join('\n')).toMatch(/^cam0: frame \d+ byte 0: the driver flagged the buffer as corrupt \(V4L2_BUF_FLAG_ERROR\)$/m);
    dev.injectFault('truncate');
    const cut = await drain(cam, 3);
    expect(cut.errors[0]?.message).toMatch(/^cam0: frame \d+ byte 240640: YUYV frame cut short at byte 240640 of 721920$/);
    expect(cut.errors[0]).toBeInstanceOf(SampleError);
    expect(cam.captureStats.badFrames).toBe(2);
    await cam.close();
    const jpeg = eurocBackend({ fourccs: ['MJPG'] });
    const mj = camera(jpeg, { role: 'tracking' });
    await mj.open();
    await mj.read();
    jpeg.camera(CAM_PATH).injectFault('garbage');
    const bad = await drain(mj, 3);
    expect(bad.errors[0]?.message).toMatch(/^cam0: frame \d+ byte 0: MJPEG buffer of \d+ bytes does not start with the JPEG SOI marker FF D8$/);
    expect(bad.samples.length).toBe(3);
    await mj.close();
  });

  it('an unplugged camera fails with ENODEV after the frames it delivered, then reads null', async () => {
    const cam = camera(eurocBackend({ atEnd: 'unplug' }, 5), { fourcc: 'GREY', role: 'tracking' });
    await cam.open();
    const { samples } = await drain(cam, 5);
    expect(samples.length).toBe(5);
    await expect(cam.read()).rejects.toThrow(/^cam0: karana_hal: \/dev\/video0: VIDIOC_DQBUF failed: No such device: .*\(ENODEV\)$/);
    expect(await cam.read()).toBeNull();
  });

  it('a missing node is ENOENT and a second streamer gets EBUSY, both as DeviceErrors', async () => {
    const backend = eurocBackend();
    await expect(new V4l2Camera({ id: 'cam1', path: '/dev/video7', backend }).open()).rejects.toThrow(
      /^cam1: karana_hal: \/dev\/video7: open failed: .*\(ENOENT\)$/,
    );
    const first = camera(backend);
    await first.open();
    const second = camera(backend);
    const err = await second.open().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceError);
    expect((err as Error).message).toMatch(/^cam0: karana_hal: \/dev\/video0: VIDIOC_REQBUFS failed: Device or resource busy.*\(EBUSY\)$/);
    await first.close();
    await second.open();
    await second.close();
  });
});
