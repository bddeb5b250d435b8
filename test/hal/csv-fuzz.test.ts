/**
 * Property-based tests (fast-check) of the CSV row reading: arbitrary bytes never crash or hang the reader or
 * the drivers, every error is a SampleError naming a real line of the file, and damage to one line of a real
 * EuRoC IMU file stays on that line.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FieldError, decimalToNs, finiteNumber, integerNs } from '../../hal/mock/csv-fields.js';
import type { TimeUnit } from '../../hal/mock/csv-fields.js';
import { csvRows } from '../../hal/mock/csv-rows.js';
import { CsvThermalTrace } from '../../hal/mock/csv-trace.js';
import { EurocImu, parseImuRow } from '../../hal/mock/euroc-imu.js';
import { SampleError } from '../../hal/types.js';
import { MH01_IMU0, tmpFolder } from './data.js';

let tmp = '';
let removeTmp: () => Promise<void> = async () => undefined;
let realLines: string[] = [];
beforeAll(async () => {
  const t = await tmpFolder('fuzz');
  tmp = t.dir;
  removeTmp = t.remove;
  realLines = (await readFile(join(MH01_IMU0, 'data.csv'), 'utf8')).split('\n').slice(0, 41); // header + 40 rows
});
afterAll(async () => {
  await removeTmp();
});

/** Bytes biased toward what CSV files are made of, plus anything else. */
const csvish = fc.oneof(
  fc.uint8Array({ maxLength: 400 }),
  fc.array(fc.constantFrom(...'0123456789.,-+eE" \t\r\n#xé\u0000'.split('')), { maxLength: 400 }).map((cs) => new TextEncoder().encode(cs.join(''))),
);

/** Lines of `bytes` as a text editor counts them (`\n`-separated). */
function lineCount(bytes: Uint8Array): number {
  return bytes.filter((b) => b === 0x0a).length + 1;
}

let runs = 0;
async function writeCase(bytes: Uint8Array): Promise<string> {
  const dir = join(tmp, `case-${runs++}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'data.csv'), bytes);
  return dir;
}

/** Reads a device to the end; every error must be a SampleError located in `file` at a line ≤ `lines`. */
async function readAll(device: { read(): Promise<unknown> }, file: string, lines: number): Promise<{ samples: number; errorLines: number[] }> {
  let samples = 0;
  const errorLines: number[] = [];
  for (let reads = 0; reads <= lines + 1; reads++) {
    try {
      if ((await device.read()) === null) return { samples, errorLines };
      samples += 1;
    } catch (err) {
      if (!(err instanceof SampleError)) throw err;
      expect(err.where.file).toBe(file);
      expect(err.message.startsWith(`${err.deviceId}: ${file}:${err.where.line}: `)).toBe(true);
      errorLines.push(err.where.line ?? 0);
    }
  }
  throw new Error(`more than ${lines + 1} results from ${lines} lines`);
}

describe('CSV row reading under random input', () => {
  it('csvRows yields rows with increasing line numbers inside the file, for any bytes', async () => {
    await fc.assert(
      fc.asyncProperty(csvish, async (bytes) => {
        let previous = 0;
        for await (const row of csvRows(Readable.from([Buffer.from(bytes)]))) {
          expect(row.line).toBeGreaterThan(previous);
          expect(row.line).toBeLessThanOrEqual(lineCount(bytes));
          previous = row.line;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('field parsers return a value or throw FieldError, nothing else', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 30 }), { maxLength: 9 }), fc.constantFrom<TimeUnit[]>('s', 'ms', 'us', 'ns'), (fields, unit) => {
        for (const call of [() => parseImuRow(fields), () => integerNs(fields[0] ?? '', 't'), () => finiteNumber(fields[0] ?? '', 'v'), () => decimalToNs(fields[0] ?? '', unit, 't')]) {
          try {
            call();
          } catch (err) {
            expect(err).toBeInstanceOf(FieldError);
          }
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('decimalToNs agrees with floating point on decimal times', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), (seconds) => {
        const ns = Number(decimalToNs(String(seconds), 's', 't'));
        expect(Math.abs(ns - seconds * 1e9)).toBeLessThanOrEqual(Math.max(1, Math.abs(seconds) * 1e9 * 1e-15));
      }),
      { numRuns: 2_000 },
    );
  });

  it('euroc-imu and csv-trace read random files to the end, raising only SampleErrors that name a line', async () => {
    await fc.assert(
      fc.asyncProperty(csvish, async (bytes) => {
        const dir = await writeCase(bytes);
        const file = join(dir, 'data.csv');
        const imu = new EurocImu({ id: 'imu0', path: dir, rateHz: 200 });
        await imu.open();
        const r = await readAll(imu, file, lineCount(bytes));
        expect(r.samples + r.errorLines.length).toBeLessThanOrEqual(lineCount(bytes));
        await imu.close();
        const trace = new CsvThermalTrace({ id: 'soc', path: file, header: false, rateHz: 1, time: { column: 0, unit: 's' }, values: { tempC: { column: 1 } } });
        await trace.open();
        await readAll(trace, file, lineCount(bytes));
        await trace.close();
      }),
      { numRuns: 200 },
    );
  });

  it('damage to one line of the real MH_01 IMU file stays on that line', async () => {
    const noisy = fc.array(fc.constantFrom(...'.,-+eE" \t#x\u0000é\r'.split('')), { minLength: 1, maxLength: 8 }).map((cs) => cs.join(''));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.option(noisy), async (index, where, insert) => {
        const lines = [...realLines];
        const original = lines[index] ?? '';
        const at = Math.floor(where * original.length);
        lines[index] = insert === null ? original.slice(0, at) : original.slice(0, at) + insert + original.slice(at);
        const dir = await writeCase(new TextEncoder().encode(lines.join('\n')));
        const imu = new EurocImu({ id: 'imu0', path: dir });
        await imu.open();
        const stamps: bigint[] = [];
        const errorLines: number[] = [];
        for (;;) {
          try {
            const s = await imu.read();
            if (s === null) break;
            stamps.push(s.deviceTimeNs);
          } catch (err) {
            if (!(err instanceof SampleError)) throw err;
            errorLines.push(err.where.line ?? 0);
          }
        }
        const expectedOthers = realLines.slice(1).filter((_, i) => i + 1 !== index).map((l) => BigInt(l.split(',')[0] ?? ''));
        const others = stamps.filter((t) => expectedOthers.includes(t));
        expect(others).toEqual(expectedOthers);
        // The damaged line gives one sample or one error, or nothing when it became blank or a '#' comment.
        const damaged = (lines[index] ?? '').trim();
        const skipped = damaged.replaceAll(',', '').trim() === '' || damaged.startsWith('#');
        expect(stamps.length - others.length + errorLines.length).toBe(skipped ? 0 : 1);
        expect(errorLines.every((line) => line === index + 1)).toBe(true);
      }),
      // Pinned: a quoted "#" starts a damaged data row, not a comment (found by a random seed in CI).
      { numRuns: 200, examples: [[1, 0, '"#",']] },
    );
  });
});
