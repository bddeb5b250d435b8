/**
 * Sensor time sync (`src/layers/hardware/time-sync.ts`) on the real stamps of EuRoC MH_01 (cam0 20 Hz and imu0
 * 200 Hz, hardware-synchronised: a frame's stamp equals the stamp of the IMU sample taken with it). Host arrival
 * of each sample = its instant on the host clock + Exp(mean 0.5 ms) queueing delay from a seeded SplitMix64 —
 * the simulated physical effect, the only simulated part. Samples are processed in arrival order, as a live
 * runtime sees them; each frame's mapped capture time is compared with the mapped time of the IMU sample of the
 * same instant (frame-to-IMU alignment) and with the truth.
 *
 * Cases: (a) both devices on the recording's clock; (b) the IMU on its own clock running 50 ppm fast with a
 * 2 ms offset (the simulation), the camera on the recording's. Acceptance: alignment error < 0.5 ms
 * after 10 s.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeviceClockMap } from '../../src/layers/hardware/time-sync.js';
import { SplitMix64 } from '../helpers/splitmix.js';
import { HAS_SHARED_DATA, SHARED_DATA } from '../native/data.js';

function stamps(rel: string): bigint[] {
  const rows = readFileSync(join(SHARED_DATA, 'euroc_mh01_excerpt/mav0', rel, 'data.csv'), 'utf8').split('\n');
  return rows.filter((l) => l.length > 0 && !l.startsWith('#')).map((l) => BigInt(l.split(',')[0] as string));
}

interface DeviceClock {
  /** Device stamp of the true instant `t` (recording clock, ns). */
  readonly stamp: (t: bigint) => bigint;
}
const RECORDING: DeviceClock = { stamp: (t) => t };
const SKEWED = (t0: bigint): DeviceClock => ({ stamp: (t) => t + BigInt(Math.round(Number(t - t0) * 50e-6)) + 2_000_000n });

/** Host CLOCK_MONOTONIC = recording clock − this (a host booted ~1.4e18 ns after the UNIX epoch of EuRoC). */
const HOST_EPOCH = 1_403_636_500_000_000_000n;

interface Arrival {
  readonly device: 'cam' | 'imu';
  readonly t: bigint;
  readonly stamp: bigint;
  readonly hostNs: bigint;
}

function alignment(camClock: DeviceClock, imuClock: DeviceClock, seed: number) {
  const cam = stamps('cam0');
  const imu = stamps('imu0').filter((t) => t >= (cam[0] as bigint) - 1_000_000_000n && t <= (cam.at(-1) as bigint));
  const rng = new SplitMix64(seed);
  const arrive = (device: 'cam' | 'imu', clock: DeviceClock) => (t: bigint): Arrival => ({
    device,
    t,
    stamp: clock.stamp(t),
    hostNs: t - HOST_EPOCH + BigInt(Math.round(rng.exponential(0.5e6))),
  });
  const arrivals = [...cam.map(arrive('cam', camClock)), ...imu.map(arrive('imu', imuClock))].sort((a, b) => (a.hostNs < b.hostNs ? -1 : a.hostNs > b.hostNs ? 1 : 0));
  const maps = { cam: new DeviceClockMap('cam0', Number), imu: new DeviceClockMap('imu0', Number) };
  const mapped = { cam: new Map<bigint, bigint>(), imu: new Map<bigint, bigint>() };
  for (const a of arrivals) mapped[a.device].set(a.t, maps[a.device].mapToHostNs(a.stamp, a.hostNs));
  const tenS = (imu[0] as bigint) + 10_000_000_000n;
  let worstAlign = 0;
  let worstTruth = 0;
  let frames = 0;
  for (const t of cam) {
    if (t < tenS) continue;
    const c = mapped.cam.get(t) as bigint;
    const i = mapped.imu.get(t);
    if (i === undefined) throw new Error(`no IMU sample at frame ${t}`);
    frames += 1;
    worstAlign = Math.max(worstAlign, Math.abs(Number(c - i)));
    worstTruth = Math.max(worstTruth, Math.abs(Number(c - (t - HOST_EPOCH))), Math.abs(Number(i - (t - HOST_EPOCH))));
  }
  return { frames, worstAlignNs: worstAlign, worstTruthNs: worstTruth, cam: maps.cam.report(), imu: maps.imu.report() };
}

describe.runIf(HAS_SHARED_DATA)('time sync on EuRoC MH_01 stamps', () => {
  it('hardware-synchronised camera and IMU: frames line up with their IMU samples within 0.5 ms after 10 s', () => {
    for (const seed of [1, 2, 3]) {
      const r = alignment(RECORDING, RECORDING, seed);
      console.log(`hw-sync seed ${seed}: ${r.frames} frames, worst alignment ${(r.worstAlignNs / 1e3).toFixed(2)} µs, worst vs truth ${(r.worstTruthNs / 1e3).toFixed(2)} µs; imu skew ${r.imu.skewPpm.toFixed(3)} ppm, residual ${(r.imu.residualMeanNs / 1e3).toFixed(0)} µs`);
      expect(r.frames).toBeGreaterThan(350);
      expect(r.worstAlignNs).toBeLessThan(500_000);
      expect(Math.abs(r.imu.skewPpm)).toBeLessThan(2);
      expect(r.imu.residualMeanNs).toBeGreaterThan(0.4e6);
      expect(r.imu.residualMeanNs).toBeLessThan(0.6e6);
    }
  });

  it('IMU clock 50 ppm fast and 2 ms off, 0.5 ms queueing: alignment within 0.5 ms after 10 s, skew found', () => {
    const t0 = stamps('imu0')[0] as bigint;
    for (const seed of [1, 2, 3]) {
      const r = alignment(RECORDING, SKEWED(t0), seed);
      console.log(`50 ppm / 2 ms seed ${seed}: ${r.frames} frames, worst alignment ${(r.worstAlignNs / 1e3).toFixed(2)} µs, worst vs truth ${(r.worstTruthNs / 1e3).toFixed(2)} µs; imu skew ${r.imu.skewPpm.toFixed(3)} ppm`);
      expect(r.worstAlignNs).toBeLessThan(500_000);
      expect(r.worstTruthNs).toBeLessThan(500_000);
      // The host runs 1/(1 + 50e-6) times as fast as the IMU clock: −50 ppm within 2 ppm.
      expect(Math.abs(r.imu.skewPpm + 50)).toBeLessThan(2);
    }
  });

  it('the latency given is subtracted and mapped times never go back or lie after arrival', () => {
    const rng = new SplitMix64(7);
    const imu = stamps('imu0').slice(0, 4000);
    const map = new DeviceClockMap('imu0', Number, { latencyS: 0.003 });
    let last = -1n;
    for (const t of imu) {
      const host = t - HOST_EPOCH + 3_000_000n + BigInt(Math.round(rng.exponential(0.5e6)));
      const m = map.mapToHostNs(t, host);
      expect(m).toBeGreaterThanOrEqual(last);
      expect(m).toBeLessThanOrEqual(host - 3_000_000n);
      last = m;
    }
    expect(Math.abs(Number(map.toHostNs(imu.at(-1) as bigint) - ((imu.at(-1) as bigint) - HOST_EPOCH)))).toBeLessThan(50_000);
    expect(map.report()).toMatchObject({ deviceId: 'imu0', samples: 4000, stable: true, latencyNs: 3_000_000, restarts: 0 });
  });

  it('rejects a bad latency naming the device', () => {
    expect(() => new DeviceClockMap('cam0', Number, { latencyS: -1 })).toThrow('cam0: "latencyS" must be a finite number ≥ 0, got -1');
  });
});
