/**
 * Property-based fuzzing (fast-check, seeded) of the v4l2 frame parser/converter: any bytes in a dequeued
 * buffer, of any length, in any of the four pixel formats, either convert to a frame of the right size or
 * raise a SampleError naming the device, the frame and a byte offset within the buffer — never another
 * error, never a hang. And the driver's stream goes on after garbage buffers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { convertV4l2Frame, rawFrameBytes } from '../../../hal/v4l2/convert.js';
import { SampleError } from '../../../hal/types.js';
import { drain } from '../data.js';
import { CAM_PATH, camera, eurocBackend } from './helpers.js';

const FOURCCS = ['GREY', 'YUYV', 'NV12', 'MJPG'] as const;

describe('v4l2 frame conversion fuzzing', () => {
  it('random buffers: a frame of the right size, or a SampleError with device, frame and byte offset', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...FOURCCS),
        fc.constantFrom('GRAY8', 'RGB8'),
        fc.integer({ min: 1, max: 12 }).map((n) => n * 2),
        fc.integer({ min: 1, max: 8 }).map((n) => n * 2),
        fc.uint8Array({ maxLength: 1200 }),
        fc.boolean(),
        async (fourcc, to, widthPx, heightPx, bytes, jpegHeader) => {
          const data = fourcc === 'MJPG' && jpegHeader ? Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, ...bytes]) : bytes;
          const bytesPerLine = fourcc === 'YUYV' ? widthPx * 2 : fourcc === 'MJPG' ? 0 : widthPx;
          try {
            const out = await convertV4l2Frame({ data, fourcc, widthPx, heightPx, bytesPerLine }, to, { deviceId: 'cam0', frame: 7 });
            expect(out.length).toBe(widthPx * heightPx * (to === 'GRAY8' ? 1 : 3));
            if (fourcc !== 'MJPG') expect(data.length).toBeGreaterThanOrEqual(rawFrameBytes(fourcc, widthPx, heightPx, bytesPerLine));
          } catch (err) {
            expect(err).toBeInstanceOf(SampleError);
            const e = err as SampleError;
            expect(e.message).toMatch(/^cam0: frame 7 byte \d+: /);
            expect(e.where.byteOffset).toBeLessThanOrEqual(data.length);
          }
        },
      ),
      { seed: 4242, numRuns: 400 },
    );
  });

  it('the stream goes on after garbage buffers (seeded choice of faults)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom('error-flag', 'truncate', 'garbage', 'none'), { minLength: 3, maxLength: 6 }), async (faults) => {
        const backend = eurocBackend({ fourccs: ['MJPG'] }, 20);
        const cam = camera(backend, { role: 'tracking' });
        await cam.open();
        await cam.read();
        for (const f of faults) {
          if (f !== 'none') backend.camera(CAM_PATH).injectFault(f);
          const { samples, errors } = await drain(cam, 1);
          expect(samples.length).toBe(1);
          for (const e of errors) expect(e.message).toMatch(/^cam0: frame \d+ byte \d+: /);
        }
        await cam.close();
      }),
      { seed: 7, numRuns: 8 },
    );
  });
});
