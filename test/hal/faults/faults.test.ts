/**
 * Fault injection (hal/faults/) on real recordings (EuRoC MH_01 imu0 and cam0): the `faults` table schema,
 * and each fault — drop, corrupt, stall, clock jump, disconnect — doing exactly what it says, deterministic
 * for a seed, leaving the samples it lets through untouched.
 */
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { FaultyDevice } from '../../../hal/faults/faulty-device.js';
import { FaultsSchema, parseFaults } from '../../../hal/faults/schema.js';
import type { FaultsInput } from '../../../hal/faults/schema.js';
import { EurocImu } from '../../../hal/mock/euroc-imu.js';
import { DeviceError, SampleError } from '../../../hal/types.js';
import type { ImuSample } from '../../../hal/types.js';
import { MH01_IMU0, drain } from '../data.js';

/** The 36,820 rows of MH_01 imu0, stamped every 5 ms. */
const ROWS = 36_820;
const faulty = (faults: FaultsInput, sleep?: (ms: number) => Promise<void>): FaultyDevice<EurocImu['info'], ImuSample> =>
  new FaultyDevice(new EurocImu({ id: 'imu0', path: MH01_IMU0 }), parseFaults(faults), sleep === undefined ? {} : { sleep });

async function source(): Promise<ImuSample[]> {
  const d = new EurocImu({ id: 'imu0', path: MH01_IMU0 });
  await d.open();
  const { samples } = await drain(d);
  await d.close();
  return samples;
}

describe('the faults table', () => {
  it('parses a manifest faults table with defaults', () => {
    const doc = parse(`faults = { seed = 7, drop = 0.05, stall = [{ atS = 2, forS = 0.5 }], disconnect = [{ atS = 3, forS = 1 }], clockJump = [{ atS = 4, byS = -0.25 }] }`) as { faults: unknown };
    expect(parseFaults(doc.faults)).toEqual({
      seed: 7,
      drop: 0.05,
      corrupt: 0,
      stall: [{ atS: 2, forS: 0.5 }],
      disconnect: [{ atS: 3, forS: 1, failedReopens: 1 }],
      clockJump: [{ atS: 4, byS: -0.25 }],
    });
  });

  it('rejects bad values and unknown fields with the field path', () => {
    const r = FaultsSchema.safeParse({ drop: 1.5, stall: [{ atS: -1, forS: 0 }], loss: 0.1 });
    expect(r.success).toBe(false);
    const issues = r.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(issues).toEqual(expect.arrayContaining(['drop: a share in [0, 1]', 'stall.0.atS: must be ≥ 0 (seconds after the first sample)', 'stall.0.forS: must be > 0', ': Unrecognized key: "loss"']));
  });
});

describe('FaultyDevice on EuRoC MH_01 imu0', () => {
  it('drops a share of the samples, the same ones for the same seed, and passes the rest untouched', async () => {
    const all = await source();
    expect(all.length).toBe(ROWS);
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const d = faulty({ seed: 3, drop: 0.1 });
      await d.open();
      runs.push({ ...(await drain(d)), dropped: d.stats.dropped });
      await d.close();
    }
    const [a, b] = runs;
    expect(a?.samples.map((s) => s.deviceTimeNs)).toEqual(b?.samples.map((s) => s.deviceTimeNs));
    expect(a?.dropped).toBe(ROWS - (a?.samples.length ?? 0));
    expect((a?.dropped ?? 0) / ROWS).toBeGreaterThan(0.09);
    expect((a?.dropped ?? 0) / ROWS).toBeLessThan(0.11);
    const byTime = new Map(all.map((s) => [s.deviceTimeNs, s]));
    for (const s of a?.samples ?? []) if (JSON.stringify(s, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v)) !== JSON.stringify(byTime.get(s.deviceTimeNs), (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))) expect.fail(`sample at ${s.deviceTimeNs} changed`);
  });

  it('corrupts a share into SampleErrors naming the device and the sample number; the stream goes on', async () => {
    const d = faulty({ seed: 5, corrupt: 0.01 });
    await d.open();
    const { samples, errors } = await drain(d);
    await d.close();
    expect(errors.length).toBe(d.stats.corrupted);
    expect(samples.length + errors.length).toBe(ROWS);
    expect(errors.length).toBeGreaterThan(300);
    expect(errors.length).toBeLessThan(440);
    const first = errors[0] as SampleError;
    expect(first).toBeInstanceOf(SampleError);
    expect(first.message).toMatch(/^imu0: frame \d+: corrupt packet \(fault injection\)$/);
  });

  it('stalls delivery at the given time and at a seeded random rate', async () => {
    const waits: number[] = [];
    const d = faulty({ seed: 9, stall: [{ atS: 2, forS: 0.5 }], stallRate: { perS: 0.1, forS: 0.02 } }, async (ms) => void waits.push(ms));
    await d.open();
    const { samples } = await drain(d);
    await d.close();
    expect(samples.length).toBe(ROWS);
    expect(waits).toContain(500);
    expect(d.stats.stalls).toBe(waits.length);
    // 184 s of IMU at 0.1 stalls/s: about 18 random stalls of 20 ms.
    expect(waits.filter((w) => w === 20).length).toBeGreaterThan(8);
    expect(waits.filter((w) => w === 20).length).toBeLessThan(30);
  });

  it('steps the device clock by byS from atS on, exactly', async () => {
    const all = await source();
    const d = faulty({ clockJump: [{ atS: 10, byS: 0.25 }, { atS: 20, byS: -1 }] });
    await d.open();
    const { samples } = await drain(d);
    await d.close();
    const t0 = all[0]?.deviceTimeNs ?? 0n;
    samples.forEach((s, i) => {
      const orig = all[i]?.deviceTimeNs ?? 0n;
      const since = orig - t0;
      const shift = since >= 20_000_000_000n ? -750_000_000n : since >= 10_000_000_000n ? 250_000_000n : 0n;
      if (s.deviceTimeNs !== orig + shift) expect.fail(`sample ${i}: ${s.deviceTimeNs} ≠ ${orig} + ${shift}`);
    });
    expect(d.stats.clockJumps).toBe(2);
  });

  it('disconnects at atS: a DeviceError, then null; reopen fails failedReopens times; the stream resumes after the outage', async () => {
    const all = await source();
    const t0 = all[0]?.deviceTimeNs ?? 0n;
    const d = faulty({ disconnect: [{ atS: 3, forS: 1, failedReopens: 2 }] });
    await d.open();
    const before = await drain(d, Number.POSITIVE_INFINITY).catch((e: unknown) => e);
    expect(before).toBeInstanceOf(DeviceError);
    expect((before as DeviceError).message).toBe('imu0: disconnected (fault injection at 3 s for 1 s)');
    expect(await d.read()).toBeNull();
    await expect(d.open()).rejects.toThrow('imu0: cannot open');
    await expect(d.open()).rejects.toThrow('device absent (fault injection)');
    await d.open();
    const first = await d.read();
    const expected = all.find((s) => s.deviceTimeNs - t0 >= 4_000_000_000n);
    expect(first?.deviceTimeNs).toBe(expected?.deviceTimeNs);
    const rest = await drain(d);
    expect(1 + rest.samples.length).toBe(all.filter((s) => s.deviceTimeNs - t0 >= 4_000_000_000n).length);
    await d.close();
  });
});
