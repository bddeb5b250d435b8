/**
 * One hardware-in-the-loop suite per device kind: the kind's contract (test/hal/contract/) and a timing check
 * against every live driver on its emulator (always), and against the real device named by `KARANA_HIL_<KIND>`
 * (on a dev kit; `hal/hil/targets.ts`). Results and the platform's known gaps go to the HIL report
 * (`test/hil/reporter.ts`, `test-results/hil-report.json`).
 */
import { describe, expect, it } from 'vitest';
import { createTargetDevice, emulatedTargets, hardwareTarget, type HilTarget } from '../../hal/hil/targets.js';
import type { Device, DeviceInfo, DeviceKind } from '../../hal/types.js';
import { DeviceClockMap } from '../../src/layers/hardware/time-sync.js';
import type { ContractOptions } from '../hal/contract/device.js';
import { existsSync } from 'node:fs';
import { ROOT, SHARED_DATA } from '../hal/data.js';

const HAS_SHARED_DATA = existsSync(SHARED_DATA);

type Contract<TInfo extends DeviceInfo> = (name: string, options: ContractOptions<TInfo>) => void;

/** The targets of `kind`: emulated ones when the recordings are there, plus the hardware one when named. */
export async function targetsOf(kind: DeviceKind): Promise<HilTarget[]> {
  const hardware = await hardwareTarget(kind, process.env, ROOT);
  return [...(HAS_SHARED_DATA ? emulatedTargets(kind, SHARED_DATA) : []), ...(hardware === undefined ? [] : [hardware])];
}

/** Registers the contract and the timing check of every target of `kind`. */
export function describeHil<TInfo extends DeviceInfo>(kind: DeviceKind, targets: readonly HilTarget[], contract: Contract<TInfo>, maxSamples: number): void {
  if (targets.length === 0) {
    describe(`${kind} HIL`, () => it.skip(`no targets: ../shared/data is missing and ${kind.toUpperCase()} hardware is not named`, () => undefined));
    return;
  }
  for (const t of targets) {
    const create = (): Device<TInfo, { readonly deviceTimeNs: bigint }> => createTargetDevice(t) as unknown as Device<TInfo, { readonly deviceTimeNs: bigint }>;
    contract(t.label, { create, maxSamples });
    describe(`${kind} timing: ${t.label}`, () => {
      it('stamps host arrival on every sample, after capture; the device clock maps below every arrival', async () => {
        const device = createTargetDevice(t);
        await device.open();
        try {
          const map = new DeviceClockMap(t.config.id, Number);
          let n = 0;
          for (let s = await device.read(); s !== null && n < maxSamples; s = await device.read()) {
            if (s.hostTimeNs === undefined) expect.fail(`sample ${n}: no hostTimeNs`);
            const mapped = map.mapToHostNs(s.deviceTimeNs, s.hostTimeNs);
            if (mapped > s.hostTimeNs) expect.fail(`sample ${n}: mapped capture ${mapped} ns after arrival ${s.hostTimeNs} ns`);
            n += 1;
          }
          expect(n).toBeGreaterThan(1);
          const r = map.report();
          expect(r.samples).toBe(n);
          expect(r.residualMeanNs).toBeGreaterThanOrEqual(0);
        } finally {
          await device.close();
        }
      });
    });
  }
}
