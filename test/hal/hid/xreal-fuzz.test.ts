/**
 * Property-based fuzzing (fast-check) of the XREAL parsers: sensor reports and command packets (random
 * bytes, truncations, bit flips of real reports) never throw and name the byte offset; end to end, garbage
 * reports between real ones give SampleErrors naming the device, the report number and the byte offset,
 * and every valid report after them still decodes.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { XrealAir } from '../../../hal/hid/xreal-air.js';
import type { HidBackend, HidHandle } from '../../../hal/hid/hid-transport.js';
import { XREAL_REPORT_BYTES, decodeCommandPacket } from '../../../hal/hid/xreal-protocol.js';
import { newXrealReport, parseXrealReport } from '../../../hal/hid/xreal-report.js';
import { readAriaHeadImu } from '../../../hal/emulators/hid/aria-motion.js';
import type { HeadImuTrack } from '../../../hal/emulators/hid/aria-motion.js';
import { EmulatedXrealGlasses, encodeXrealReports } from '../../../hal/emulators/hid/xreal-emulator.js';
import type { ImuSample } from '../../../hal/types.js';
import { ARIA_TRAJECTORY, until } from './helpers.js';

let track: HeadImuTrack;
let reports: Buffer;
beforeAll(async () => {
  track = await readAriaHeadImu(ARIA_TRAJECTORY);
  reports = encodeXrealReports(track, { maxReports: 200 }).bytes;
});

const flips = fc.array(fc.tuple(fc.integer({ min: 0, max: XREAL_REPORT_BYTES - 1 }), fc.integer({ min: 0, max: 7 })), { maxLength: 12 });

describe('XREAL parsers under fuzz', () => {
  it('parseXrealReport never throws; a problem names a byte offset inside the report', () => {
    const out = newXrealReport();
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 128 }), fc.tuple(fc.integer({ min: 0, max: 199 }), flips, fc.integer({ min: 0, max: 64 })).map(([i, f, keep]) => {
        const r = Buffer.from(reports.subarray(i * 64, i * 64 + 64));
        for (const [at, bit] of f) r[at] = (r[at] as number) ^ (1 << bit);
        return r.subarray(0, keep);
      })), (bytes) => {
        const problem = parseXrealReport(bytes, out);
        if (problem !== undefined) expect(problem.byteOffset >= 0 && problem.byteOffset <= XREAL_REPORT_BYTES).toBe(true);
        else for (const v of [...out.gyroRadps, ...out.accelMps2]) expect(Number.isFinite(v)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('decodeCommandPacket never throws and refuses every damaged packet', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        const r = decodeCommandPacket(bytes);
        if (typeof r === 'string') expect(r).toMatch(/^byte \d+: /);
      }),
      { numRuns: 2000 },
    );
  });
});

/** A backend that slips extra reports into the emulated IMU stream. */
function withGarbage(glasses: EmulatedXrealGlasses, garbage: Uint8Array[], every: number): HidBackend {
  return {
    devices: () => glasses.devices(),
    async open(path) {
      const h = await glasses.open(path);
      const listeners: ((r: Buffer) => void)[] = [];
      let n = 0;
      h.on('data', (r: Buffer) => {
        if (r[0] === 0x01 && n++ % every === every - 1 && garbage.length > 0) for (const l of listeners) l(Buffer.from(garbage.shift() as Uint8Array));
        for (const l of listeners) l(r);
      });
      const wrapped: HidHandle = {
        on: (event: 'data' | 'error', l: (arg: never) => void) => (event === 'data' ? listeners.push(l as (r: Buffer) => void) : h.on('error', l as (err: Error) => void)),
        write: (r) => h.write(r),
        close: () => h.close(),
        removeAllListeners: () => h.removeAllListeners(),
      };
      return wrapped;
    },
  };
}

describe('xreal-air end to end under fuzz', () => {
  it('garbage reports are SampleErrors naming imu0, the report and the byte; the real reports all decode', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 70 }).map((g) => (g.length > 0 && g[0] === 0xaa ? g.subarray(1) : g)), { maxLength: 20 }), fc.integer({ min: 1, max: 30 }), async (garbage, every) => {
        const glasses = new EmulatedXrealGlasses({ track, maxReports: 300 });
        const imu = new XrealAir({ id: 'imu0', backend: withGarbage(glasses, [...garbage], every), queueCapacity: 4096 });
        await imu.open();
        await until(() => glasses.reportsSent >= 300, 'the emulated stream');
        const queued = imu.stats.received + imu.stats.sampleErrors;
        const samples: ImuSample[] = [];
        const errors: Error[] = [];
        for (let i = 0; i < queued; i++) {
          try {
            samples.push((await imu.read()) as ImuSample);
          } catch (err) {
            expect((err as Error).name).toBe('SampleError');
            expect((err as Error).message).toMatch(/^imu0: frame \d+ byte \d+: /);
            errors.push(err as Error);
          }
        }
        await imu.close();
        // A garbage report that happens to parse is a sample out of the recording; the 300 real ones all come through
        // unless a garbage timestamp ran ahead of them (then they are refused as not advancing, and named).
        const real = samples.filter((s) => s.deviceTimeNs >= 1_000_000_000_000n && s.deviceTimeNs < 1_000_000_000_000n + 13_000_000_000n);
        expect(real.length + errors.filter((e) => /does not advance/.test(e.message)).length).toBeGreaterThanOrEqual(300);
      }),
      { numRuns: 30 },
    );
  });
});
