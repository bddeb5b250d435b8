/**
 * Disconnect handling on real recordings: the reconnecting wrapper (hal/live/reconnect.ts) around a device
 * unplugged by fault injection reports disconnected → reconnecting (one per attempt, exponential back-off) →
 * open, and its samples resume; through the hardware layer's ingest the states reach the bus topic
 * `device.state` while the other device's samples keep flowing (on a real clock even during the outage).
 */
import { describe, expect, it } from 'vitest';
import { FaultyDevice } from '../../hal/faults/faulty-device.js';
import { parseFaults } from '../../hal/faults/schema.js';
import { ReconnectingDevice } from '../../hal/live/reconnect.js';
import type { DeviceStateChange } from '../../hal/live/reconnect.js';
import { EurocCamera } from '../../hal/mock/euroc-camera.js';
import { EurocImu } from '../../hal/mock/euroc-imu.js';
import { loadSession } from '../../hal/session/index.js';
import type { ImuDevice } from '../../hal/types.js';
import type { DeviceStateEvent } from '../../src/bus/topics.js';
import { DeviceIngest } from '../../src/layers/hardware/ingest.js';
import type { IngestItem } from '../../src/layers/hardware/ingest.js';
import { madgwickFilter } from '../../src/layers/intelligence/madgwick-filter.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { MH01, MH01_CAM0, MH01_IMU0, drain } from './data.js';

/** An unplugged MH_01 imu0 (3 s into its stream, for 1 s, two failed reopens) behind a reconnecting wrapper. */
function unpluggedImu(sleep: (ms: number, signal: AbortSignal) => Promise<void>): ReconnectingDevice<EurocImu['info'], Awaited<ReturnType<EurocImu['read']>> & object> {
  const faulty = new FaultyDevice(new EurocImu({ id: 'imu0', path: MH01_IMU0 }), parseFaults({ disconnect: [{ atS: 3, forS: 1, failedReopens: 2 }] }));
  return new ReconnectingDevice(faulty, { sleep });
}

describe('ReconnectingDevice', () => {
  it('reports disconnected, one reconnecting per attempt with 0.1 s doubling back-off, then open, and resumes', async () => {
    const waits: number[] = [];
    const device = unpluggedImu(async (ms) => void waits.push(ms));
    const states: DeviceStateChange[] = [];
    device.onStateChange((c) => states.push(c));
    await device.open();
    const { samples } = await drain(device);
    await device.close();
    expect(states.map((s) => s.state)).toEqual(['disconnected', 'reconnecting', 'reconnecting', 'reconnecting', 'open']);
    expect(states[0]?.message).toBe('imu0: disconnected (fault injection at 3 s for 1 s)');
    expect(states.at(-1)?.message).toBe('imu0: reconnected after 3 attempts');
    expect(waits).toEqual([100, 200, 400]);
    // 36,820 rows at 200 Hz minus the 1 s outage (200 samples).
    expect(samples.length).toBe(36_820 - 200);
    expect(device.stats).toEqual({ disconnects: 1, attempts: 3, reconnects: 1 });
  });

  it('caps the back-off at 5 s and draws jitter from its seed', () => {
    const inner = new EurocImu({ id: 'imu0', path: MH01_IMU0 });
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => new ReconnectingDevice(inner).delayMs(n))).toEqual([100, 200, 400, 800, 1600, 3200, 5000, 5000]);
    const a = new ReconnectingDevice(inner, { jitter: 0.2, seed: 4 });
    const b = new ReconnectingDevice(inner, { jitter: 0.2, seed: 4 });
    const da = [1, 2, 3].map((n) => a.delayMs(n));
    expect(da).toEqual([1, 2, 3].map((n) => b.delayMs(n)));
    da.forEach((d, i) => expect(Math.abs(d / (100 * 2 ** i) - 1)).toBeLessThanOrEqual(0.2));
  });

  it('never ends on its own: close() during the back-off makes the pending read resolve null', async () => {
    let started: () => void = () => undefined;
    const sleeping = new Promise<void>((resolve) => (started = resolve));
    const device = unpluggedImu((_ms, signal) => {
      started();
      return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    });
    await device.open();
    const reading = drain(device);
    await sleeping;
    await device.close();
    const { samples } = await reading;
    expect(samples.length).toBe(600); // 3 s at 200 Hz, then the unplug
  });
});

describe('disconnect through the hardware layer', () => {
  it('real clock: cam0 frames keep flowing while imu0 is away; its states and samples follow', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const imu = unpluggedImu(async () => held);
    const cam = new EurocCamera({ id: 'cam0', path: MH01_CAM0 });
    await Promise.all([imu.open(), cam.open()]);
    const start = (await loadSession(MH01)).startNs;
    const toRuntimeNs = (t: bigint): number => Number(t - start);
    let nowNs = 0;
    const ingest = new DeviceIngest([{ device: cam, toRuntimeNs }, { device: imu, toRuntimeNs }], [], { now: () => nowNs, readAheadNs: 100_000_000 });
    ingest.start();
    const taken: IngestItem[] = [];
    const newestCamNs = (): number => taken.reduce((t, i) => (i.type === 'sample' && i.info.id === 'cam0' ? Math.max(t, i.tNs) : t), 0);
    const advance = async (toS: number): Promise<void> => {
      for (; nowNs < toS * 1e9; nowNs += 50_000_000) {
        // Let the readers catch up with the simulated clock (PNG decoding takes longer on a loaded machine):
        // until cam0's newest frame is within one frame period of now, or 2 s of waiting.
        for (let tries = 0; tries === 0 || (newestCamNs() < nowNs - 50_000_000 && tries < 400); tries++) {
          await new Promise((r) => setTimeout(r, 5));
          taken.push(...ingest.take(nowNs));
        }
      }
    };
    await advance(8); // imu0 unplugs ~3 s in and stays away (its back-off never ends until released)
    const camDuring = taken.filter((i) => i.type === 'sample' && i.info.id === 'cam0' && i.tNs > 4e9).length;
    const imuStates = (): string[] => taken.filter((i) => i.type === 'state' && i.info.id === 'imu0').map((i) => (i.type === 'state' ? i.state : ''));
    expect(imuStates()).toEqual(['open', 'disconnected']);
    expect(camDuring).toBeGreaterThan(50); // 20 Hz frames between 4 s and 8 s arrived while imu0 was away
    release();
    await advance(12);
    await ingest.close();
    expect(imuStates()).toEqual(['open', 'disconnected', 'reconnecting', 'reconnecting', 'reconnecting', 'open']);
    const imuAfter = taken.filter((i) => i.type === 'sample' && i.info.id === 'imu0' && i.tNs > 4e9).length;
    expect(imuAfter).toBeGreaterThan(100);
  });

  it('virtual clock: a whole runtime run puts open → disconnected → reconnecting… → open on the bus; cam0 loses nothing', async () => {
    const session = await loadSession(MH01);
    const original = session.devices.find((d) => d.device.info.id === 'imu0');
    if (original === undefined) throw new Error('no imu0');
    const faulty = new FaultyDevice(original.device as ImuDevice, parseFaults({ disconnect: [{ atS: 5, forS: 2, failedReopens: 1 }] }));
    const imu = new ReconnectingDevice(faulty, { initialDelayMs: 1 });
    await imu.open(); // the session opened imu0 already; this opens the wrappers around it
    const devices = session.devices.map((d) => (d === original ? { ...d, device: imu } : d));
    const runtime = new Runtime({ session: { ...session, devices }, speed: 0, filter: madgwickFilter(), detector: null });
    const states: DeviceStateEvent[] = [];
    const sub = runtime.bus.observe('device.state').subscribe((e) => states.push(e.payload));
    await runtime.run();
    sub.unsubscribe();
    await session.close();
    const imuStates = states.filter((s) => s.deviceId === 'imu0');
    expect(imuStates.map((s) => s.state)).toEqual(['open', 'disconnected', 'reconnecting', 'reconnecting', 'open', 'ended']);
    expect(imuStates[1]?.tNs).toBeGreaterThan(4.9e9);
    expect(imuStates[1]?.tNs).toBeLessThan(5.1e9);
    expect(runtime.hardware.devices.cam0).toMatchObject({ samples: 600, state: 'ended' });
    expect(runtime.hardware.devices.imu0).toMatchObject({ samples: 5991 - 400, state: 'ended' }); // 2 s at 200 Hz lost
  });
});
