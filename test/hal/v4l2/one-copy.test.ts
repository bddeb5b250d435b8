/**
 * The ONE-COPY property of the v4l2 driver, by identity: the conversion reads the device's own mapped
 * buffer (the very ArrayBuffer the backend handed out at STREAMON, offset 0, `bytesUsed` long — no copy
 * before it), and the frame's `data` is exactly the conversion's output (no copy after it), an allocation
 * of exactly the frame's size that is not one of the device buffers. Checked for GREY, YUYV, NV12 (native
 * kernels) and MJPG (sharp).
 */
import { describe, expect, it } from 'vitest';
import { convertV4l2Frame } from '../../../hal/v4l2/convert.js';
import type { FrameConverter } from '../../../hal/v4l2/convert.js';
import { CAM_PATH, camera, eurocBackend } from './helpers.js';

describe('v4l2 one-copy path', () => {
  for (const [fourcc, format] of [['GREY', 'GRAY8'], ['YUYV', 'GRAY8'], ['YUYV', 'RGB8'], ['NV12', 'RGB8'], ['MJPG', 'GRAY8']] as const) {
    it(`${fourcc} → ${format}: the mapped buffer is the conversion's input and its output is the frame`, async () => {
      const backend = eurocBackend();
      const seen: { input: Uint8Array; fromDevice: boolean; output: Uint8Array }[] = [];
      const spy: FrameConverter = async (src, to, where) => {
        const fromDevice = backend.camera(CAM_PATH).buffers.includes(src.data.buffer as ArrayBuffer);
        const output = await convertV4l2Frame(src, to, where);
        seen.push({ input: src.data, fromDevice, output });
        return output;
      };
      const cam = camera(backend, { fourcc, format, converter: spy });
      await cam.open();
      const frames = [await cam.read(), await cam.read(), await cam.read()];
      const buffers = [...backend.camera(CAM_PATH).buffers];
      await cam.close();
      const bpp = format === 'GRAY8' ? 1 : 3;
      frames.forEach((frame, i) => {
        const call = seen[i];
        expect(call?.fromDevice).toBe(true);
        expect(call?.input.byteOffset).toBe(0);
        expect(frame?.data).toBe(call?.output);
        expect(buffers.includes(frame?.data.buffer as ArrayBuffer)).toBe(false);
        if (fourcc !== 'MJPG') expect(frame?.data.buffer.byteLength).toBe(752 * 480 * bpp);
        expect(frame?.data.length).toBe(752 * 480 * bpp);
      });
      // After close the device buffers are detached, like the addon's munmap'd ones.
      expect(buffers.every((b) => b.byteLength === 0)).toBe(true);
    });
  }
});
