/**
 * XREAL Air report stream: parse + time-map one 1 kHz report, per sample, against the target of 5 µs and
 * against the parser a user would write (Buffer `readInt32LE`/`readIntLE`/`readBigUInt64LE` into a fresh
 * object per report).
 *
 * Input: the emulator's bytes (`hal/emulators/hid/xreal-emulator.ts`) for the real Project Aria head
 * trajectory (11,517 reports at ~1 kHz), the glasses clock 50 ppm fast and 2 ms ahead; host arrival = device
 * time mapped back plus a deterministic 0–300 µs queueing delay. Per sample: `parseXrealReport` (the driver's
 * parser, no allocation but the BigInt stamp) then `ClockSync.update(device, host)` and `toHostNs(device)`
 * (native TICSync, `native/ts/phase/clock.ts`), numbers relative to the first stamp. One task call processes
 * 1,000 reports (one second of stream); figures are per sample.
 */
import { resolve } from 'node:path';
import { newXrealReport, parseXrealReport } from '../hal/hid/xreal-report.js';
import { XREAL_REPORT_BYTES } from '../hal/hid/xreal-protocol.js';
import { readAriaHeadImu } from '../hal/emulators/hid/aria-motion.js';
import { encodeXrealReports } from '../hal/emulators/hid/xreal-emulator.js';
import { ClockSync } from '../native/index.js';
import { timeTasks } from './harness.js';
import type { BenchOptions, BenchResult, BenchSuite } from './harness.js';

const TARGET_NS = 5000;
const BATCH = 1000;

/** What a user would write: one object per report, Buffer reads. */
function peerParse(b: Buffer): { t: bigint; gyro: number[]; accel: number[]; mag: number[] } {
  const gm = b.readInt16LE(12);
  const gd = b.readInt32LE(14);
  const am = b.readInt16LE(27);
  const ad = b.readInt32LE(29);
  const mm = b.readInt16BE(42);
  const md = b.readInt32BE(44);
  const deg = Math.PI / 180;
  return {
    t: b.readBigUInt64LE(4),
    gyro: [0, 1, 2].map((k) => ((b.readIntLE(18 + 3 * k, 3) * gm) / gd) * deg),
    accel: [0, 1, 2].map((k) => ((b.readIntLE(33 + 3 * k, 3) * am) / ad) * 9.80665),
    mag: [0, 1, 2].map((k) => ((b.readUInt16LE(48 + 2 * k) - 0x8000) * mm) / md),
  };
}

const suite: BenchSuite = {
  name: 'xreal',
  async run(options: BenchOptions): Promise<BenchResult> {
    if (options.sharedDataDir === undefined) throw new Error('bench xreal needs ../shared/data (aria_head_trajectory)');
    const track = await readAriaHeadImu(resolve(options.sharedDataDir, 'aria_head_trajectory/trajectory/closed_loop_trajectory.csv'));
    const { bytes, timestampsNs, count } = encodeXrealReports(track, { clockOffsetNs: 2_000_000n, skewPpm: 50 });
    const epoch = timestampsNs[0] as bigint;
    const hostNs = Float64Array.from({ length: count }, (_, i) => Number((timestampsNs[i] as bigint) - epoch) / (1 + 50e-6) + 5_000_000 + ((i * 7919) % 300) * 1000);
    const reports = Array.from({ length: count }, (_, i) => bytes.subarray(i * XREAL_REPORT_BYTES, (i + 1) * XREAL_REPORT_BYTES));
    const out = newXrealReport();
    let cursor = 0;
    let sink = 0;
    const ours = new ClockSync();
    const theirs = new ClockSync();
    const next = (): number => {
      const i = cursor;
      cursor = (cursor + 1) % count;
      if (cursor === 0) {
        ours.reset();
        theirs.reset();
      }
      return i;
    };
    const tasks = {
      'karana parse': () => {
        for (let n = 0; n < BATCH; n++) {
          parseXrealReport(reports[next()] as Buffer, out);
          sink += out.gyroRadps[0] as number;
        }
      },
      'peer parse': () => {
        for (let n = 0; n < BATCH; n++) sink += peerParse(reports[next()] as Buffer).gyro[0] as number;
      },
      'karana parse+map': () => {
        for (let n = 0; n < BATCH; n++) {
          const i = next();
          parseXrealReport(reports[i] as Buffer, out);
          const d = Number(out.timestampNs - epoch);
          ours.update(d, hostNs[i] as number);
          sink += ours.toHostNs(d);
        }
      },
      'peer parse+map': () => {
        for (let n = 0; n < BATCH; n++) {
          const i = next();
          const r = peerParse(reports[i] as Buffer);
          const d = Number(r.t - epoch);
          theirs.update(d, hostNs[i] as number);
          sink += theirs.toHostNs(d);
        }
      },
    };
    const timings = await timeTasks(tasks, { timeMs: options.quick ? 200 : 2000 });
    const per = Object.fromEntries(timings.map((t) => [t.name, { mean: t.meanNs / BATCH, p99: t.p99Ns / BATCH }]));
    const get = (name: string): { mean: number; p99: number } => per[name] ?? { mean: Number.NaN, p99: Number.NaN };
    const figures = Object.fromEntries(
      Object.entries(per).flatMap(([name, v]) => [
        [`${name.replace(/ /g, '.')}.nsPerSample`, { value: v.mean, unit: 'ns' }],
        [`${name.replace(/ /g, '.')}.p99NsPerSample`, { value: v.p99, unit: 'ns' }],
      ]),
    );
    return {
      name: 'xreal',
      description: `parse + time-map ${count} XREAL Air IMU reports (emulator bytes from the Aria head trajectory, 1 kHz), per sample; ${BATCH} reports per task call`,
      figures: { ...figures, 'target.nsPerSample': { value: TARGET_NS, unit: 'ns' } },
      ratios: {
        'target/karana parse+map (>1: under the 5 µs target)': TARGET_NS / get('karana parse+map').mean,
        'peer/karana parse+map (>1: ours faster)': get('peer parse+map').mean / get('karana parse+map').mean,
        'peer/karana parse (>1: ours faster)': get('peer parse').mean / get('karana parse').mean,
      },
      notes: [`checksum ${sink.toFixed(3)} (keeps the work observable)`, 'p99 figures are of 1,000-report batches divided by 1,000'],
    };
  },
};

export default suite;
