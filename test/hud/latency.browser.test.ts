/**
 * Latency in Chromium (Performance API clock): `pose.updated` on the bus → the display frame that latched it
 * painted, at 60 Hz (rAF) and 90 Hz (own pacing), with the WebSocket bytes per second per message kind; the
 * same run as `bench/hud-latency.bench.ts`, shorter. Figures go to `test-results/hud-latency.json` and the
 * console; they are reported, not asserted (wall-clock figures on a shared machine): the assertions check that
 * the measurement is sound (enough frames, a clock check of < 5 ms round trip, every latency positive).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { measureHudLatency, type LatencyFigures } from '../../bench/hud-latency.bench.js';
import { packageRoot } from '../../src/paths.js';

const ROOT = packageRoot();

describe('HUD latency in Chromium', () => {
  it('pose on the bus → pixels painted, at 60 and 90 Hz; bytes per second per kind', async () => {
    const results: LatencyFigures[] = [];
    for (const hz of [60, 90]) results.push(await measureHudLatency(ROOT, hz, 3000));
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    writeFileSync(join(ROOT, 'test-results/hud-latency.json'), `${JSON.stringify(results, null, 2)}\n`);
    console.log('HUD latency', JSON.stringify(results, null, 2));
    for (const r of results) {
      expect(r.frames).toBeGreaterThan(20); // 3 s at 60–90 Hz; a loaded machine paints fewer (13 Hz seen with other suites in parallel)
      expect(r.clock.rttMs).toBeLessThan(25);
      expect(r.latencyMs.p50).toBeGreaterThan(0);
      expect(r.bytesPerS.pose).toBeGreaterThan(0);
    }
  }, 60_000);
});
