/**
 * The interface contract every HAL device honours (`hal/types.ts` `Device`), as a reusable vitest suite:
 * give it a factory of unopened devices and a per-sample check, and it verifies open, the capture order of
 * `read()` (strictly increasing `deviceTimeNs`), `null` at the end and after close, idempotent close,
 * serialised concurrent reads, and (for replay drivers) that a re-open replays from the start.
 * The per-kind suites beside it (`camera.ts`, `imu.ts`, …) add the checks of their sample type.
 */
import { describe, expect, it } from 'vitest';
import { DeviceError } from '../../../hal/types.js';
import type { Device, DeviceInfo, DeviceKind } from '../../../hal/types.js';

export interface ContractOptions<TInfo extends DeviceInfo> {
  /** Creates a new, unopened device. */
  readonly create: () => Device<TInfo, { readonly deviceTimeNs: bigint }>;
  /** Number of samples a full replay must return (replay drivers); undefined for live devices. */
  readonly expectedCount?: number;
  /** Cap on the samples read in the full pass (live devices never end). */
  readonly maxSamples?: number;
}

/**
 * What is wrong with a sample, or undefined when it is fine (plain checks rather than `expect`, so a suite can
 * afford them on every one of 36,820 IMU samples).
 */
export type SampleCheck<TInfo, TSample> = (sample: TSample, info: TInfo) => string | undefined;

/** Registers the contract tests of a device of `kind`; `checkSample` judges each sample against the info. */
export function describeDeviceContract<TInfo extends DeviceInfo, TSample extends { readonly deviceTimeNs: bigint }>(
  name: string,
  kind: DeviceKind,
  options: ContractOptions<TInfo>,
  checkSample: SampleCheck<TInfo, TSample>,
): void {
  const create = options.create as () => Device<TInfo, TSample>;
  describe(`${kind} contract: ${name}`, () => {
    it('describes itself before open and refuses read() before open()', async () => {
      const device = create();
      expect(device.info.kind).toBe(kind);
      expect(device.info.id).toMatch(/^[A-Za-z]/);
      expect(device.info.driver).not.toBe('');
      expect(device.info.source).not.toBe('');
      await expect(device.read()).rejects.toThrow(new DeviceError(device.info.id, 'read() before open()'));
      await device.close();
    });

    it('reads every sample in capture order, then null at the end, every time', async () => {
      const device = create();
      await device.open();
      const info = device.info;
      expect(info.kind).toBe(kind);
      expect(info.nominalRateHz).toBeGreaterThan(0);
      let count = 0;
      let previous: bigint | undefined;
      for (let s = await device.read(); s !== null; s = await device.read()) {
        if (typeof s.deviceTimeNs !== 'bigint') expect.fail(`sample ${count}: deviceTimeNs is not a bigint`);
        if (previous !== undefined && s.deviceTimeNs <= previous) {
          expect.fail(`sample ${count}: ${s.deviceTimeNs} ns is not after ${previous} ns`);
        }
        const problem = checkSample(s, info);
        if (problem !== undefined) expect.fail(`sample ${count}: ${problem}`);
        previous = s.deviceTimeNs;
        count += 1;
        if (options.maxSamples !== undefined && count >= options.maxSamples) break;
      }
      if (options.expectedCount !== undefined) expect(count).toBe(options.expectedCount);
      if (options.maxSamples === undefined) {
        expect(await device.read()).toBeNull();
        expect(await device.read()).toBeNull();
      }
      await device.close();
    });

    it('resolves concurrent reads in capture order', async () => {
      const device = create();
      await device.open();
      const batch = await Promise.all([device.read(), device.read(), device.read(), device.read()]);
      const stamps = batch.flatMap((s) => (s === null ? [] : [s.deviceTimeNs]));
      expect(stamps.length).toBe(Math.min(4, options.expectedCount ?? 4));
      for (let i = 1; i < stamps.length; i++) expect((stamps[i] ?? 0n) > (stamps[i - 1] ?? 0n)).toBe(true);
      await device.close();
    });

    it('closes idempotently, reads null after close, and replays from the start when re-opened', async () => {
      const device = create();
      await device.open();
      const first = await device.read();
      await device.read();
      await device.close();
      await device.close();
      expect(await device.read()).toBeNull();
      if (device.info.replay) {
        await device.open();
        const again = await device.read();
        expect(again?.deviceTimeNs).toBe(first?.deviceTimeNs);
        await device.close();
      }
    });
  });
}
