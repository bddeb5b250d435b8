/**
 * The stats publisher on the bundled sample session (10 s of EuRoC MH_01 + world camera, mic, thermal and
 * battery traces) through the real runtime with the virtual clock (`--speed 0`): `runtime.stats` every 0.5 s of
 * runtime clock with the layers' step rates, the devices' sample rates as recorded (cam0 20 Hz, imu0 200 Hz), the
 * bus rates, the thermal and battery traces' values and the VIO's tracking state; and the event log stays the
 * same byte for byte with the publisher on.
 */
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSession } from '../../hal/session/index.js';
import { madgwickFilter } from '../../src/layers/intelligence/madgwick-filter.js';
import { sampleSessionPath } from '../../src/paths.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { startStatsPublisher } from '../../src/runtime/stats-publisher.js';
import type { RuntimeStatsEvent } from '../../src/top/stats-types.js';

async function runWithStats(eventLogPath?: string): Promise<RuntimeStatsEvent[]> {
  const session = await loadSession(sampleSessionPath());
  const runtime = new Runtime({ session, speed: 0, filter: madgwickFilter(), detector: null, anchors: false, ...(eventLogPath === undefined ? {} : { eventLogPath }) });
  const seen: RuntimeStatsEvent[] = [];
  runtime.bus.observe('runtime.stats').subscribe((e) => seen.push(e.payload));
  const publisher = startStatsPublisher(runtime, { session: { name: session.name, durationNs: session.durationNs }, speed: 0 });
  try {
    await runtime.run();
  } finally {
    publisher.stop();
    await session.close();
  }
  expect(publisher.published).toBe(seen.length);
  return seen;
}

describe('stats publisher (sample session, virtual clock)', () => {
  it('publishes runtime.stats at 2 Hz of runtime clock with the rates the recording has', async () => {
    const stats = await runWithStats();
    // 9.95 s of session: snapshots at 0.5, 1.0, … 9.5 s (the first event delivered at or past each).
    expect(stats.length).toBe(19);
    stats.forEach((s, i) => {
      expect(s.tNs).toBeGreaterThanOrEqual((i + 1) * 0.5e9);
      expect(s.tNs).toBeLessThan((i + 1) * 0.5e9 + 2e6); // within two 1 ms ticks
    });
    const mid = stats[10] as RuntimeStatsEvent;
    console.log(`snapshot at ${(mid.tNs / 1e9).toFixed(3)} s: ${JSON.stringify({ layers: mid.layers.map((l) => [l.name, l.stepsPerS, l.stepP99Ms]), devices: mid.devices.map((d) => [d.deviceId, d.state, d.samplesPerS]), power: mid.power, tracking: mid.tracking })}`);
    expect(mid.clock).toMatchObject({ mode: 'virtual', speed: 0, tickHz: 1000, latenessP50Ms: null });
    expect(mid.session).toEqual({ name: 'sample', durationS: 9.95 });
    const layer = (name: string) => mid.layers.find((l) => l.name === name);
    expect(layer('hardware')?.stepsPerS).toBeCloseTo(1000, -1);
    expect(layer('intelligence')?.stepsPerS).toBeCloseTo(200, -1);
    expect(layer('interface')?.stepsPerS).toBeCloseTo(30, -1);
    expect(layer('hardware')?.budgetMs).toBe(0.5);
    const device = (id: string) => mid.devices.find((d) => d.deviceId === id);
    expect(device('cam0')).toMatchObject({ kind: 'camera', state: 'open', skipped: 0 });
    expect(device('cam0')?.samplesPerS).toBeCloseTo(20, 0); // EuRoC cam0 at 20 Hz
    expect(device('imu0')?.samplesPerS).toBeCloseTo(200, -1); // EuRoC imu0 at 200 Hz
    const topic = (name: string) => mid.bus.find((t) => t.topic === name);
    expect(topic('camera.frame')?.publishedPerS).toBeGreaterThan(20); // cam0 + the world camera
    expect(topic('runtime.stats')?.published).toBe(10); // the ten before this one
    // The thermal trace (Raspberry Pi 4 CPU, °C) and the UPS battery trace.
    expect(mid.power.socZone).toBe('cpu-thermal');
    expect(mid.power.socTempC).toBeGreaterThan(30);
    expect(mid.power.socTempC).toBeLessThan(90);
    expect(mid.power.batteryPercent).toBeGreaterThan(0);
    expect(mid.power.voltageV).toBeGreaterThan(3);
    // The VIO initialises in the first ~2 s of MH_01 and tracks afterwards.
    expect(stats.at(-1)?.tracking.state).toBe('tracking');
  }, 120_000);

  it('keeps the event log the same byte for byte (two runs)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'karana-stats-'));
    await runWithStats(join(dir, 'a.jsonl'));
    await runWithStats(join(dir, 'b.jsonl'));
    const a = readFileSync(join(dir, 'a.jsonl'), 'utf8');
    const b = readFileSync(join(dir, 'b.jsonl'), 'utf8');
    expect(a.split('\n').filter((l) => l.includes('"topic":"runtime.stats"')).length).toBe(19);
    expect(a === b).toBe(true);
  }, 240_000);

  it('on a wall-clock timer (the real-clock default), publishes while the run goes and stops when told', async () => {
    const session = await loadSession(sampleSessionPath());
    const runtime = new Runtime({ session, speed: 0, filter: madgwickFilter(), detector: null, anchors: false });
    const seen: RuntimeStatsEvent[] = [];
    runtime.bus.observe('runtime.stats').subscribe((e) => seen.push(e.payload));
    const publisher = startStatsPublisher(runtime, { trigger: 'wall', periodS: 0.05 });
    let ended = false;
    const run = runtime.run().finally(() => (ended = true));
    try {
      while (seen.length < 2 && !ended) await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      await run;
      publisher.stop();
      await session.close();
    }
    expect(seen.length).toBeGreaterThanOrEqual(2);
    const count = publisher.published;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(publisher.published).toBe(count); // stopped
    expect(seen[1]?.tNs).toBeGreaterThanOrEqual(seen[0]?.tNs ?? Number.POSITIVE_INFINITY);
    expect(() => startStatsPublisher(runtime, { periodS: 0 })).toThrow('"periodS" must be a positive number of seconds, got 0');
  }, 120_000);
});
