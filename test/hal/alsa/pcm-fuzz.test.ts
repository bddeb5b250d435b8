/**
 * Property-based fuzzing (fast-check, seeded) of the S16_LE chunker: raw PCM has no framing to corrupt
 * (every byte string is valid audio), so the properties are that it never throws, that any split of the
 * byte stream into pipe reads gives the same chunks (samples split between reads are carried), and that
 * each sample is the little-endian int16 / 32768, in [-1, 1).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { S16LeChunker } from '../../../hal/alsa/pcm.js';

describe('S16_LE chunker fuzzing', () => {
  it('any chunking gives the same samples, each int16 / 32768', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.array(fc.nat(), { maxLength: 12 }), fc.constantFrom(1, 2), fc.integer({ min: 1, max: 64 }), (bytes, cuts, channels, chunkFrames) => {
        const whole = new S16LeChunker(16000, channels, chunkFrames).push(bytes);
        const split = new S16LeChunker(16000, channels, chunkFrames);
        const parts = [];
        let at = 0;
        for (const c of [...cuts.map((x) => x % (bytes.length + 1)).sort((a, b) => a - b), bytes.length]) {
          parts.push(...split.push(bytes.subarray(at, Math.max(at, c))));
          at = Math.max(at, c);
        }
        expect(parts.map((p) => Array.from(p.samples))).toEqual(whole.map((p) => Array.from(p.samples)));
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        whole.forEach((chunk, k) => {
          expect(chunk.deviceTimeNs).toBe((BigInt(k * chunkFrames) * 1_000_000_000n) / 16000n);
          chunk.samples.forEach((s, i) => expect(s).toBe(view.getInt16((k * chunkFrames * channels + i) * 2, true) / 32768));
        });
        expect(whole.length).toBe(Math.floor(bytes.length / (2 * channels * chunkFrames)));
      }),
      { seed: 21, numRuns: 300 },
    );
  });
});
