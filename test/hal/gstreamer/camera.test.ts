/**
 * The gstreamer camera driver on a real gst-launch-1.0: EuRoC MH_01 cam0 PNGs through
 * `multifilesrc ! pngdec ! videoconvert` (pixels and PTS exact), the person video through `decodebin`
 * (against FFmpeg's decode), the camera contract, and the errors a user meets (gst-launch missing, a
 * missing element). A damaged GDP stream is replayed through a stand-in spawner: the frames after the
 * damage still arrive and the damage is a SampleError at its byte offset.
 */
import { execFile } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Spawner } from '../../../hal/alsa/spawner.js';
import { GstCamera } from '../../../hal/gstreamer/camera.js';
import { parseGstSpec } from '../../../hal/gstreamer/pipeline.js';
import { DeviceError } from '../../../hal/types.js';
import { cameraContract } from '../contract/camera.js';
import { PERSON_MP4, drain } from '../data.js';
import { HAVE_AVDEC, HAVE_GST, capturedGdp, eurocPipeline } from './helpers.js';

const run = promisify(execFile);

/** A spawner whose "gst-launch" writes `bytes` to stdout in `chunk`-byte pieces, then stays up until killed. */
function replaySpawner(bytes: Buffer, chunk = 65536): Spawner {
  return () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let exit!: (e: { code: number | null; signal: string | null }) => void;
    const exited = new Promise<{ code: number | null; signal: string | null }>((r) => (exit = r));
    void (async () => {
      for (let at = 0; at < bytes.length; at += chunk) {
        await new Promise((r) => setImmediate(r));
        stdout.write(bytes.subarray(at, at + chunk));
      }
    })();
    return { stdout, stderr, spawned: Promise.resolve(), exited, kill: () => exit({ code: null, signal: 'SIGTERM' }) };
  };
}

describe.skipIf(!HAVE_GST)('gstreamer camera on gst-launch-1.0', () => {
  let euroc: Awaited<ReturnType<typeof eurocPipeline>>;
  beforeAll(async () => {
    euroc = await eurocPipeline(30);
  });
  afterAll(async () => {
    await euroc.remove();
  });

  const eurocCamera = (): GstCamera => new GstCamera({ id: 'cam0', spec: `gst:${euroc.pipeline}`, source: parseGstSpec(`gst:${euroc.pipeline}`), role: 'tracking' });

  cameraContract('gstreamer multifilesrc ! pngdec (EuRoC MH_01 cam0) → GRAY8', { maxSamples: 10, create: () => eurocCamera() });

  it('delivers the recording’s pixels exactly, with PTS = running time (50 ms apart at 20 fps)', async () => {
    const cam = eurocCamera();
    await cam.open();
    expect(cam.info).toMatchObject({ widthPx: 752, heightPx: 480, format: 'GRAY8', nominalRateHz: 20 });
    const { samples } = await drain(cam, 12);
    await cam.close();
    for (const [i, f] of samples.entries()) {
      const truth = await sharp(euroc.pngs[i]).extractChannel(0).raw().toBuffer();
      expect(Buffer.compare(Buffer.from(f.data), truth), `frame ${i}`).toBe(0);
      expect(f.deviceTimeNs).toBe(BigInt(i) * 50_000_000n);
      expect(f.seq).toBe(i);
      expect(typeof f.hostTimeNs).toBe('bigint');
    }
    expect(cam.baseTimeEstimateNs).toBeDefined();
  });

  it.skipIf(!HAVE_AVDEC)('decodes an H.264 recording through decodebin like FFmpeg does (PSNR), at its PTS', async () => {
    const cam = new GstCamera({ id: 'world', spec: `gst:file:${PERSON_MP4}`, source: parseGstSpec(`gst:file:${PERSON_MP4}`), role: 'world' });
    await cam.open();
    const { samples } = await drain(cam, 3);
    await cam.close();
    const { stdout } = await run('ffmpeg', ['-v', 'error', '-i', PERSON_MP4, '-frames:v', '3', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { encoding: 'buffer', maxBuffer: 1 << 24 });
    const size = 768 * 432 * 3;
    const db = samples.map((f, i) => {
      let se = 0;
      for (let k = 0; k < size; k++) se += ((f.data[k] ?? 0) - (stdout[i * size + k] ?? 0)) ** 2;
      return 10 * Math.log10((255 * 255) / (se / size));
    });
    console.log(`gstreamer decodebin RGB vs ffmpeg rgb24 (person video): PSNR ${db.map((d) => d.toFixed(2)).join(', ')} dB`);
    expect(Math.min(...db)).toBeGreaterThan(30);
    // 10 fps: 100 ms apart. qtdemux starts the PTS at one frame (the stream's composition offset, which
    // FFmpeg removes through the edit list), so the first PTS is 0 or 100 ms.
    const pts = samples.map((f) => f.deviceTimeNs);
    expect([0n, 100_000_000n]).toContain(pts[0]);
    expect(pts.map((t) => t - (pts[0] ?? 0n))).toEqual([0n, 100_000_000n, 200_000_000n]);
  });

  it('says how to install gst-launch-1.0 when it is missing, and which package has a missing element', async () => {
    const missing = new GstCamera({ id: 'cam0', spec: 'gst:libcamera', source: parseGstSpec('gst:libcamera'), gstLaunchPath: '/nonexistent/gst-launch-1.0' });
    await expect(missing.open()).rejects.toThrow(
      'cam0: /nonexistent/gst-launch-1.0 could not be started (ENOENT): install it with "apt-get install gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad"',
    );
    const noElement = new GstCamera({ id: 'cam0', spec: 'gst:nvargus', source: parseGstSpec('gst:nvargus') });
    const err = await noElement.open().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeviceError);
    expect((err as Error).message).toMatch(/^cam0: gst:nvargus: gst-launch-1\.0 exited \(code 1\): .*no element "nvarguscamerasrc".*; install the JetPack multimedia packages \(nvidia-l4t-gstreamer\)$/);
  });

  it('goes on after a damaged GDP stream: a SampleError at the byte offset, then the next frames', async () => {
    const gdp = await capturedGdp(6);
    const damaged = Buffer.from(gdp);
    // Frame packets are 62 + 360960 bytes; find the third buffer header and break its CRC.
    const third = damaged.indexOf(Buffer.from([1, 0, 1, 0, 0, 1]), damaged.indexOf(Buffer.from([1, 0, 1, 0, 0, 1])) + 62 + 360960 + 1);
    damaged[third + 20] = (damaged[third + 20] ?? 0) ^ 0xff;
    const cam = new GstCamera({ id: 'cam0', spec: 'gst:test', source: { kind: 'pipeline', pipeline: 'test' }, role: 'tracking', spawner: replaySpawner(damaged, 50_000) });
    await cam.open();
    const { samples, errors } = await drain(cam, 5);
    await cam.close();
    expect(errors.length).toBe(1);
    expect(errors[0]?.message).toMatch(new RegExp(`^cam0: frame 2 byte ${third}: GDP stream: header CRC 0x[0-9a-f]+ != computed 0x[0-9a-f]+; skipping to the next valid header$`));
    expect(errors[0]?.message).toMatch(/; skipping to the next valid header$/);
    expect(samples.map((f) => f.deviceTimeNs)).toEqual([0n, 50_000_000n, 150_000_000n, 200_000_000n, 250_000_000n]);
  });
});
