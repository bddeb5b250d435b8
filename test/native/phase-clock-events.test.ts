/**
 * ClockSync's contract at the JS boundary: flags for wraps, steps and bad numbers (never thrown),
 * number / bigint paths, the async batch and its busy guard, and the exact texts of caller errors.
 * Device stamps: EuRoC MH_01 imu0 (real 200 Hz sample times); host arrivals: the stamps + 2 ms +
 * 50 ppm + a fixed pattern of delays (these tests are about events, not accuracy).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLOCK_FLAGS, ClockSync, clockFlagNames } from '../../native/index.js';
import { EUROC_IMU, HAS_SHARED_DATA } from './data.js';

function stream(): { device: Float64Array; host: Float64Array } {
  const rows = readFileSync(EUROC_IMU, 'utf8').split('\n').filter((l) => l.length > 0 && !l.startsWith('#'));
  const abs = rows.map((l) => BigInt(l.split(',')[0] as string));
  const t0 = abs[0] as bigint;
  const device = Float64Array.from(abs, (t) => Number(t - t0));
  // Delays 0–0.6 ms in a fixed cycle of 7 (a deterministic stand-in: only the events matter here).
  const host = device.map((d, i) => d + 2e6 + 50e-6 * d + (i % 7) * 1e5);
  return { device, host };
}

const errorOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
};

describe.skipIf(!HAS_SHARED_DATA)('ClockSync events', () => {
  const { device, host } = stream();

  it('flags a device counter reset at its sample and restarts from it', () => {
    const wrapped = device.slice(0, 6000);
    for (let i = 3000; i < 6000; i++) wrapped[i] = (device[i] as number) - (device[3000] as number);
    const cs = new ClockSync();
    const flags = new Uint8Array(6000);
    expect(cs.updateBatch(wrapped, host.subarray(0, 6000), flags)).toBe(CLOCK_FLAGS.deviceBackward);
    expect(flags.findIndex((f) => f !== 0)).toBe(3000);
    expect(clockFlagNames(flags[3000] as number)).toEqual(['deviceBackward']);
    expect(cs.counters()).toMatchObject({ samples: 6000, restarts: 1, deviceBackward: 1 });
    const e = cs.estimate();
    expect(e.samples).toBe(3000);
    expect(e.offsetNs - (2e6 + 50e-6 * (device[5999] as number) + (device[3000] as number))).toBeLessThan(1e3);
  });

  it('flags a forward step of the device clock and a stepped-back clock after the hold', () => {
    const fwd = device.map((d, i) => d + (i >= 2500 ? 100e6 : 0)).subarray(0, 5000);
    const cs = new ClockSync();
    const flags = new Uint8Array(5000);
    cs.updateBatch(fwd, host.subarray(0, 5000), flags);
    expect([...flags.keys()].filter((i) => flags[i] !== 0)).toEqual([2500]);
    expect(flags[2500]).toBe(CLOCK_FLAGS.stepForward);
    const back = device.map((d, i) => d - (i >= 2500 ? 3e6 : 0)).subarray(0, 5000);
    const strict = new ClockSync({ stepThresholdS: 0.002, stepHoldS: 0.5 });
    strict.updateBatch(back, host.subarray(0, 5000), flags);
    const at = [...flags.keys()].filter((i) => flags[i] !== 0);
    expect(at).toHaveLength(1);
    expect(at[0]).toBeGreaterThanOrEqual(2600);
    expect(at[0]).toBeLessThanOrEqual(2601);
    expect(flags[at[0] as number]).toBe(CLOCK_FLAGS.stepBackward);
  });

  it('switches windows every windowS and keeps memory bounded over the whole recording', () => {
    const cs = new ClockSync({ windowS: 20 });
    cs.updateBatch(device, host);
    const e = cs.estimate();
    const spanS = ((device[device.length - 1] as number) - (device[0] as number)) / 1e9;
    expect(cs.counters().windowSwitches).toBe(Math.floor(spanS / 20));
    expect(e.spanNs).toBeGreaterThanOrEqual(20e9);
    expect(e.spanNs).toBeLessThan(40e9);
    expect(e.hullVertices).toBeLessThan(40);
  });

  it('ignores bad numbers, reports host reordering and duplicates, never throws on data', () => {
    const cs = new ClockSync();
    expect(cs.update(Number.NaN, 0)).toBe(CLOCK_FLAGS.ignored);
    expect(cs.update(0, Number.POSITIVE_INFINITY)).toBe(CLOCK_FLAGS.ignored);
    expect(cs.update(2n ** 63n - 1n, 0n)).toBe(CLOCK_FLAGS.ignored);
    expect(cs.update(Number.NaN, 5n)).toBe(CLOCK_FLAGS.ignored);
    expect(cs.toHostNs(5)).toBeNaN();
    expect(cs.update(1000, 5000)).toBe(0);
    expect(cs.update(2000, 4000)).toBe(CLOCK_FLAGS.hostBackward);
    expect(cs.update(2000, 3999)).toBe(CLOCK_FLAGS.duplicate | CLOCK_FLAGS.hostBackward);
    expect(cs.counters()).toMatchObject({ samples: 3, ignored: 4, duplicates: 1, hostBackward: 2 });
    cs.reset();
    expect(cs.counters().samples).toBe(0);
  });
});

describe('ClockSync number and bigint paths', () => {
  it('maps exactly with absolute UNIX ns as bigint, and agrees with relative numbers', () => {
    const t0 = 1_403_636_579_758_560_000n;
    const big = new ClockSync();
    const rel = new ClockSync();
    for (let i = 0; i < 400; i++) {
      const d = BigInt(i) * 5_000_000n;
      const h = d + 2_000_000n + (d * 50n) / 1_000_000n + BigInt((i % 5) * 20_000);
      expect(big.update(t0 + d, t0 + h)).toBe(0);
      rel.update(Number(d), Number(h));
    }
    expect(big.estimate().skewPpm).toBe(rel.estimate().skewPpm);
    const probe = 3_000_000_000n;
    expect(big.toHostNs(t0 + probe) - t0).toBe(BigInt(Math.round(rel.toHostNs(Number(probe)))));
    expect(rel.toHostNs(Number(probe))).toBeCloseTo(3e9 + 2e6 + 150e3, 3);
    const out = new BigInt64Array(2);
    big.toHostBatch(BigInt64Array.of(t0, t0 + probe), out);
    expect(out[1]).toBe(big.toHostNs(t0 + probe));
    const outF = new Float64Array(1);
    rel.toHostBatch(Float64Array.of(Number(probe)), outF);
    expect(outF[0]).toBe(rel.toHostNs(Number(probe)));
  });

  it('runs a batch on the thread pool and refuses other calls until it settles', async () => {
    const cs = new ClockSync();
    const device = Float64Array.from({ length: 20_000 }, (_, i) => i * 5e6);
    const host = device.map((d) => d + 1e6);
    const pending = cs.updateBatchAsync(device, host);
    expect(errorOf(() => cs.estimate())).toBe('"clockSync" must be idle (no updateBatchAsync pending), got busy');
    // 100 s of samples: one window switch (windowS 60).
    expect(await pending).toBe(CLOCK_FLAGS.windowSwitched);
    expect(cs.counters().samples).toBe(20_000);
    expect(cs.estimate().offsetNs).toBeCloseTo(1e6, 6);
  });

  it('names the parameter and the value in every caller error', () => {
    expect(errorOf(() => new ClockSync({ windowS: 0 }))).toBe('"windowS" must be a number in [0.001, 1000000], got 0');
    expect(errorOf(() => new ClockSync({ method: 'kalman' as 'pll' }))).toBe('"method" must be one of ticsync, pll, leastSquares, got "kalman"');
    expect(errorOf(() => new ClockSync({ maxHullVertices: 2.5 }))).toBe('"maxHullVertices" must be a positive integer, got 2.5');
    expect(errorOf(() => new ClockSync({ pll: { damping: 0 } }))).toBe('"pll.damping" must be a number in [0.05, 10], got 0');
    const cs = new ClockSync();
    expect(errorOf(() => cs.updateBatch(new Float64Array(2), new Float64Array(1)))).toBe('"hostNs" must be 2 timestamps (as many as deviceNs), got 1');
    expect(errorOf(() => cs.updateBatch(new Float64Array(2), new Float64Array(2), new Uint8Array(1)))).toBe('"flagsOut" must hold 2 flags, got 1');
    const buf = new ArrayBuffer(64);
    expect(errorOf(() => cs.updateBatch(new Float64Array(buf, 0, 2), new Float64Array(2), new Uint8Array(buf, 8, 2)))).toBe('"flagsOut" must not share memory with "deviceNs"');
    expect(errorOf(() => cs.updateBatch(new Float64Array(1), new BigInt64Array(1)))).toBe('"hostNs" must be the same array type as deviceNs, got a different one');
    expect(errorOf(() => cs.toHostBatch(BigInt64Array.of(1n), new BigInt64Array(1)))).toBe(
      '"clockSync" must be fed at least one sample before mapping, got no sample since the last restart',
    );
    cs.update(0, 10);
    expect(errorOf(() => cs.toHostBatch(new Float64Array(2), new Float64Array(1)))).toBe('"out" must hold 2 timestamps, got 1');
  });
});
