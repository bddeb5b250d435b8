/**
 * Memory-leak check for the native core (as snappy's `memory-leak-detect.mjs`): the async twins hold
 * references to their typed arrays while queued; if a reference were never released, every call's
 * fresh 2 MB tensor would stay alive. After 300 calls the process must not have grown by anything
 * near the 600 MB that would take.
 */
import { describe, expect, it } from 'vitest';
import { YOLOX_NANO_LETTERBOX, createMadgwickState, letterbox, letterboxTensorLength, madgwickUpdate, type FrameView } from '../../native/index.js';

describe('native buffers are released', () => {
  it('300 async letterbox + Madgwick calls with fresh buffers keep RSS growth under 200 MB', async () => {
    const frame: FrameView = { data: new Uint8Array(752 * 480 * 3).fill(90), widthPx: 752, heightPx: 480, format: 'RGB8' };
    const n = 200;
    const batch = {
      timestampsNs: Float64Array.from({ length: n }, (_, i) => i * 5e6),
      gyroRadps: new Float64Array(3 * n).fill(0.01),
      accelMps2: Float64Array.from({ length: 3 * n }, (_, i) => (i % 3 === 2 ? 9.81 : 0)),
    };
    const before = process.memoryUsage().rss;
    for (let i = 0; i < 300; i++) {
      await letterbox(frame, YOLOX_NANO_LETTERBOX, new Float32Array(letterboxTensorLength(YOLOX_NANO_LETTERBOX)));
      await madgwickUpdate(createMadgwickState(), batch, undefined, new Float64Array(4 * n));
    }
    const grownMb = (process.memoryUsage().rss - before) / 2 ** 20;
    expect(grownMb).toBeLessThan(200);
  });
});
