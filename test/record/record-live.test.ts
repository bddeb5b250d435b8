/**
 * Recording live devices and the small pieces of `karana record`: a live IMU (a LiveDevice fed with the real
 * EuRoC MH_01 rows, stamped with hostTimeNs as a live driver does) is recorded in arrival order for 0.3 s of
 * host time and replays with both clocks exact (logTime = hostTimeNs); `--topics` globs, `--chunk-size`
 * parsing, the progress line, and `wrapDevice`.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wrapDevice } from '../../hal/faults/index.js';
import { LiveDevice, hostNowNs } from '../../hal/live/live-device.js';
import { ReconnectingDevice } from '../../hal/live/reconnect.js';
import { McapDevice } from '../../hal/mcap/device.js';
import { EurocImu } from '../../hal/mock/euroc-imu.js';
import type { Session } from '../../hal/session/index.js';
import type { ImuInfo, ImuSample } from '../../hal/types.js';
import { parseByteSize } from '../../src/cli/record.js';
import { formatProgress, ProgressReporter } from '../../src/record/progress.js';
import { recordSession } from '../../src/record/record.js';
import { selectDevices } from '../../src/record/topics.js';
import { MH01_IMU0, drain, tmpFolder } from '../hal/data.js';

/** A live IMU whose samples are the real MH_01 rows, pushed as fast as the event loop allows. */
class LiveImuFromRows extends LiveDevice<ImuInfo, ImuSample> {
  #source = new EurocImu({ id: 'imu0', path: MH01_IMU0 });
  #stop = false;
  readonly sent: ImuSample[] = [];
  constructor() {
    super({ id: 'imu0', kind: 'imu', driver: 'test-live', replay: false, nominalRateHz: 200, source: MH01_IMU0, hasMagnetometer: false }, { queueCapacity: 100_000 });
  }
  protected async openDevice(): Promise<ImuInfo> {
    await this.#source.open();
    this.#stop = false;
    void (async () => {
      for (let s = await this.#source.read(); s !== null && !this.#stop; s = await this.#source.read()) {
        const live = { ...s, hostTimeNs: hostNowNs() };
        this.sent.push(live);
        this.push(live);
        await new Promise((r) => setImmediate(r));
      }
    })();
    return this.info;
  }
  protected async closeDevice(): Promise<void> {
    this.#stop = true;
    await this.#source.close();
  }
}

let dir = '';
let remove: () => Promise<void> = async () => undefined;
beforeAll(async () => ({ dir, remove } = await tmpFolder('record-live')));
afterAll(async () => remove());

describe('recording live devices', () => {
  it('records in arrival order for the duration; replay gives back both clocks exactly', async () => {
    const device = new LiveImuFromRows();
    await device.open();
    const session: Session = {
      name: 'live',
      rootDir: dir,
      startNs: 0n,
      devices: [{ device, config: { id: 'imu0', kind: 'imu', driver: 'test-live', path: MH01_IMU0, clock: 'absolute', offsetS: 0, options: {} }, toSessionNs: (t) => Number(t) }],
      failed: [],
      close: () => device.close(),
    };
    const out = join(dir, 'live.mcap');
    const summary = await recordSession(session, { out, durationS: 0.3 });
    await session.close();
    expect(summary.perDevice.imu0).toBeGreaterThan(20);
    const replay = new McapDevice({ id: 'imu0', kind: 'imu', path: out });
    await replay.open();
    const { samples } = await drain(replay);
    await replay.close();
    expect(samples.length).toBe(summary.perDevice.imu0);
    expect(samples).toEqual(device.sent.slice(0, samples.length)); // deviceTimeNs and hostTimeNs, exact bigints
    expect(samples.every((s) => typeof (s as ImuSample).hostTimeNs === 'bigint')).toBe(true);
  });
});

describe('karana record pieces', () => {
  const fake = (id: string) => ({ device: { info: { id } }, config: {}, toSessionNs: () => 0 }) as unknown as Session['devices'][number];
  const devices = ['cam0', 'imu0', 'world', 'mic'].map(fake);

  it('--topics: ids, topics and globs; a pattern matching nothing names the devices', () => {
    expect(selectDevices(devices, ['imu0', '/cam*']).map((d) => d.device.info.id)).toEqual(['cam0', 'imu0']);
    expect(selectDevices(devices, undefined).length).toBe(4);
    expect(() => selectDevices(devices, ['imu9'])).toThrow('--topics: "imu9" matches no device (devices: cam0, imu0, world, mic)');
  });

  it('--chunk-size accepts bytes, k and M, and rejects the rest with the expected form', () => {
    expect([parseByteSize('262144'), parseByteSize('256k'), parseByteSize('4M'), parseByteSize('1MiB')]).toEqual([262144, 262144, 4 << 20, 1 << 20]);
    expect(() => parseByteSize('12')).toThrow('"chunk-size" must be 1k to 1G bytes (e.g. 262144, 256k, 4M), got "12"');
    expect(() => parseByteSize('lots')).toThrow('got "lots"');
  });

  it('progress: a line rewritten in place on a TTY, plain lines once a second otherwise', () => {
    const p = { messages: 2614, bytes: 99_387_142, chunks: 101, syncs: 101, sessionNs: 9.95e9, done: false };
    expect(formatProgress(p, 6.2)).toBe('karana record: 2614 messages, 99.4 MB, 101 chunks, session 9.95 s, 422 msg/s, 16.0 MB/s');
    let t = 0;
    const written: string[] = [];
    const plain = new ProgressReporter({ isTTY: false, write: (s: string) => written.push(s) }, () => t);
    for (t = 0; t <= 2500; t += 100) plain.update(p);
    plain.update({ ...p, done: true });
    expect(written.length).toBe(4); // t = 0, 1000, 2000, and the final line
    expect(written.every((l) => l.endsWith('\n') && !l.includes('\r'))).toBe(true);
    const tty: string[] = [];
    const line = new ProgressReporter({ isTTY: true, write: (s: string) => tty.push(s) }, () => 0);
    line.update(p);
    expect(tty[0]?.startsWith('\r\x1b[K')).toBe(true);
  });

  it('wrapDevice adds reconnection when faults unplug the device, and nothing without faults', () => {
    const imu = new EurocImu({ id: 'imu0', path: MH01_IMU0 });
    expect(wrapDevice(imu, undefined)).toBe(imu);
    expect(wrapDevice(imu, { seed: 1, drop: 0, corrupt: 0, stall: [], disconnect: [{ atS: 1, forS: 1, failedReopens: 0 }], clockJump: [] })).toBeInstanceOf(ReconnectingDevice);
  });
});
