/**
 * The C encoder for firmware (`hal/serial/firmware/karana_imu_frame.h`): compiles warning-free with gcc
 * (`-std=c99 -Wall -Wextra -Werror -pedantic`), and the bytes its example program writes for the first 500
 * rows of the x-IMU3 recording equal the TypeScript encoder's and decode in the TypeScript decoder.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KimuDecoder } from '../../../hal/serial/kimu-decoder.js';
import type { KimuFrame } from '../../../hal/serial/kimu-decoder.js';
import { KIMU_TYPE, decodeInfo, decodeSample } from '../../../hal/serial/kimu-protocol.js';
import { int16Info, int32Info, kimuStreamFromRecording } from '../../../hal/emulators/serial/kimu-emulator.js';
import { readXioRecording } from '../../../hal/emulators/serial/recordings.js';
import { ROOT, tmpFolder } from '../data.js';
import { XIO_CSV } from './helpers.js';

const run = promisify(execFile);
const FIRMWARE = join(ROOT, 'hal/serial/firmware');
let dir = '';
let remove: () => Promise<void> = async () => undefined;

beforeAll(async () => {
  ({ dir, remove } = await tmpFolder('kimu-c'));
});
afterAll(async () => remove());

/** Runs the example encoder on `input`, returns stdout bytes. */
function encodeWithC(exe: string, input: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = execFile(exe, { encoding: 'buffer', maxBuffer: 1 << 24 }, (err, stdout) => (err ? reject(new Error(err.message, { cause: err })) : resolve(stdout)));
    child.stdin?.end(input);
  });
}

describe('karana_imu_frame.h', () => {
  it('compiles with -Wall -Wextra -Werror -pedantic as C99 and C11', async () => {
    for (const std of ['c99', 'c11']) {
      const { stderr } = await run('gcc', [`-std=${std}`, '-Wall', '-Wextra', '-Werror', '-pedantic', '-c', join(FIRMWARE, 'kimu_encode_example.c'), '-o', join(dir, `ex-${std}.o`)]);
      expect(stderr).toBe('');
    }
  });

  for (const format of ['int16', 'int32'] as const) {
    it(`writes the same ${format} frames as the TypeScript encoder, and they decode`, async () => {
      const exe = join(dir, 'kimu_encode_example');
      await run('gcc', ['-std=c99', '-O2', '-Wall', '-Wextra', '-Werror', join(FIRMWARE, 'kimu_encode_example.c'), '-o', exe]);
      const rec = await readXioRecording(XIO_CSV);
      const info = format === 'int16' ? int16Info(rec) : int32Info(rec);
      const ts = kimuStreamFromRecording(rec, info, { maxRows: 500 });
      // One INFO line whenever the TS stream has one, then the samples, in the same order.
      const lines: string[] = [];
      let s = 0;
      for (const b of ts.blocks) {
        if (b.bytes[3] === KIMU_TYPE.info) {
          lines.push(`I ${info.tickHz} ${Math.round(info.rateHz * 1000)} ${format === 'int16' ? 1 : 2} ${info.hasMagnetometer ? 1 : 0} ${info.gyroScale.toPrecision(9)} ${info.accelScale.toPrecision(9)} ${info.magScale.toPrecision(9)} ${info.name}`);
        } else {
          const x = ts.samples[s++];
          lines.push(`S ${x?.ticks} ${x?.gyro.join(' ')} ${x?.accel.join(' ')} ${x?.mag?.join(' ') ?? ''}`);
        }
      }
      const fromC = await encodeWithC(exe, lines.join('\n') + '\n');
      const fromTs = Buffer.concat(ts.blocks.map((b) => b.bytes));
      expect(fromC.length).toBe(fromTs.length);
      expect(fromC.equals(fromTs)).toBe(true);
      const frames: { type: number; payload: Buffer }[] = [];
      new KimuDecoder().push(fromC, {
        frame: (f: KimuFrame) => frames.push({ type: f.type, payload: Buffer.from(f.payload) }),
        error: (e) => expect.fail(`decode error at byte ${e.byteOffset}: ${e.message}`),
      });
      const samples = frames.filter((f) => f.type === KIMU_TYPE.sample).map((f) => decodeSample(info, f.payload));
      expect(samples).toEqual(ts.samples.map(({ row: _row, ...raw }) => raw));
      expect(decodeInfo(frames[0]?.payload ?? Buffer.alloc(0))).toEqual(info);
    });
  }
});
