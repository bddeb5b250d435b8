/**
 * Property-based fuzzing (fast-check, seeded) of the sysfs value parser and the tegrastats parser: any
 * text either parses to the integer it spells or raises a SampleError naming the device, the file and a
 * byte offset inside the text; tegrastats lines never throw and round-trip the temperatures written.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIntegerAttribute } from '../../../hal/sysfs/attributes.js';
import { parseTegrastatsTemps } from '../../../hal/sysfs/tegrastats.js';
import { SampleError } from '../../../hal/types.js';

describe('sysfs parsers fuzzing', () => {
  it('integer attributes: the value, or a SampleError at a byte inside the text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 30 }), fc.integer().map(String), fc.integer().map((n) => `${n}\n`)), (text) => {
        try {
          const v = parseIntegerAttribute('soc', '/sys/class/thermal/thermal_zone0/temp', text);
          expect(Number.isInteger(v)).toBe(true);
          expect(String(v)).toBe(String(Number(text.trim())));
        } catch (err) {
          expect(err).toBeInstanceOf(SampleError);
          const e = err as SampleError;
          expect(e.message.startsWith('soc: /sys/class/thermal/thermal_zone0/temp byte ')).toBe(true);
          expect(e.where.byteOffset).toBeLessThanOrEqual(Buffer.byteLength(text));
        }
      }),
      { seed: 31, numRuns: 1000 },
    );
  });

  it('tegrastats: never throws; temperatures written into a line are read back', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.dictionary(fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,8}$/), fc.integer({ min: -400, max: 1200 }).map((t) => t / 4)), (noise, temps) => {
        parseTegrastatsTemps(noise);
        const line = `RAM 6014/31927MB ${Object.entries(temps).map(([k, v]) => `${k}@${v}C`).join(' ')} EMC_FREQ 0%`;
        const parsed = parseTegrastatsTemps(line);
        for (const [k, v] of Object.entries(temps)) expect(parsed.get(k)).toBe(v);
      }),
      { seed: 32, numRuns: 500 },
    );
  });
});
