/**
 * The layer-5 VIO adapter (pure step + edge work handlers) on the first 4 s of the real EuRoC MH_01 excerpt,
 * stepped at 200 Hz as the intelligence layer is: one IMU sample per step, a cam0 frame every 10th step, each
 * work request completed before the next step (lock-step, as a `--speed 0` replay sees it).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { INITIAL_VIO, VIO_FRAME_WORK, VIO_IMU_WORK, createVioWorkHandlers, stepVio, vioOptionsFromCalibration, type VioStepState } from '../../src/layers/intelligence/vio/index.js';
import type { CameraFrameEvent, ImuSamplesEvent, PoseEvent, TrackingStateEvent } from '../../src/bus/topics.js';
import type { WorkResult } from '../../src/tick/types.js';
import { Vio } from '../../native/index.js';
import { HAS_SHARED_DATA, SHARED_DATA, decodeGray } from './data.js';

const MAV0 = join(SHARED_DATA, 'euroc_mh01_excerpt/mav0');
const CAL = {
  intrinsics: [458.654, 457.296, 367.215, 248.375] as const,
  distortionModel: 'radial-tangential' as const,
  distortion: [-0.28340811, 0.07395907, 0.00019359, 1.76187114e-5],
  T_body_camera: [0.0148655429818, -0.999880929698, 0.00414029679422, -0.0216401454975, 0.999557249008, 0.0149672133247, 0.025715529948, -0.064676986768, -0.0257744366974, 0.00375618835797, 0.999660727178, 0.00981073058949, 0, 0, 0, 1],
};

interface Row { t: bigint; g: number[]; a: number[] }

describe.skipIf(!HAS_SHARED_DATA)('VIO layer step on the EuRoC excerpt', () => {
  const poses: PoseEvent[] = [];
  const states: TrackingStateEvent[] = [];
  let final: VioStepState;
  const kinds = new Map<string, number>();
  beforeAll(async () => {
    const imu: Row[] = readFileSync(join(MAV0, 'imu0/data.csv'), 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => {
      const f = l.split(',');
      return { t: BigInt(f[0] ?? '0'), g: f.slice(1, 4).map(Number), a: f.slice(4, 7).map(Number) };
    });
    const frames = readFileSync(join(MAV0, 'cam0/data.csv'), 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#')).slice(0, 80).map((l) => BigInt(l.split(',')[0] ?? '0'));
    const origin = imu[0]?.t ?? 0n;
    const handlers = createVioWorkHandlers(new Vio(vioOptionsFromCalibration(752, 480, CAL)));
    let state = INITIAL_VIO;
    let results: WorkResult[] = [];
    let fi = 0;
    const last = frames[frames.length - 1] ?? 0n;
    for (const row of imu) {
      if (row.t > last) break;
      const batch: ImuSamplesEvent = { deviceId: 'imu0', count: 1, tNs: Float64Array.of(Number(row.t - origin)), gyroRadps: Float64Array.from(row.g), accelMps2: Float64Array.from(row.a) };
      const cams: CameraFrameEvent[] = [];
      if (fi < frames.length && frames[fi] === row.t) {
        const png = join(MAV0, 'cam0/data', `${frames[fi]}.png`);
        const g = await decodeGray(png);
        cams.push({ deviceId: 'cam0', role: 'tracking', tNs: Number(row.t - origin), frame: { seq: fi, deviceTimeNs: row.t, widthPx: 752, heightPx: 480, format: 'GRAY8', strideBytes: 752, data: g.data } });
        fi++;
      }
      const out = stepVio(state, [batch], cams, results);
      state = out.state;
      poses.push(...out.poses);
      states.push(...out.trackingStates);
      results = [];
      for (const req of out.requests) {
        kinds.set(req.kind, (kinds.get(req.kind) ?? 0) + 1);
        const handler = handlers[req.kind];
        if (handler === undefined) throw new Error(`no handler for ${req.kind}`);
        try {
          results.push({ kind: req.kind, id: req.id, ok: true, value: await handler(req.payload) });
        } catch (err) {
          results.push({ kind: req.kind, id: req.id, ok: false, error: String(err) });
        }
      }
    }
    final = stepVio(state, [], [], results).state;
  }, 120_000);

  it('sends every frame (none skipped in lock-step) and reports tracking once, when the 2 s delayed initialisation ends', () => {
    expect(kinds.get(VIO_FRAME_WORK)).toBe(80);
    expect(final.skippedFrames).toBe(0);
    expect(final.failed).toBe(0);
    expect(states.map((s) => s.state)).toEqual(['tracking']);
  });

  it('publishes 6-DoF poses at IMU rate between frames, with a 6×6 covariance', () => {
    expect(kinds.get(VIO_IMU_WORK)).toBeGreaterThan(600);
    // Poses start at the end of the delayed initialisation (2 s of the 4 s moving start): ≈ 2 s × 200 Hz.
    expect(poses.length).toBeGreaterThan(350);
    const p = poses[poses.length - 1];
    expect(p?.source).toBe('vio');
    expect(p?.covariance).toHaveLength(36);
    expect(p?.p_world_body_m?.every(Number.isFinite)).toBe(true);
    const steps = poses.slice(1).map((q, i) => q.tNs - (poses[i]?.tNs ?? 0));
    expect(Math.max(...steps)).toBeLessThanOrEqual(50e6);
    expect(steps.every((d) => d >= 0)).toBe(true);
  });
});

describe('VIO layer step scheduling', () => {
  const frame = (seq: number): CameraFrameEvent => ({ deviceId: 'cam0', role: 'tracking', tNs: seq * 50e6, frame: { seq, deviceTimeNs: BigInt(seq), widthPx: 4, heightPx: 4, format: 'GRAY8', strideBytes: 4, data: new Uint8Array(16) } });

  it('keeps only the newest frame while one is in flight, counting the skipped, and ignores world cameras', () => {
    let out = stepVio(INITIAL_VIO, [], [frame(0)], []);
    expect(out.requests.map((r) => r.id)).toEqual(['vio-frame-0']);
    out = stepVio(out.state, [], [frame(1), frame(2), { ...frame(3), role: 'world' }], []);
    expect(out.requests).toEqual([]);
    expect(out.state.skippedFrames).toBe(1);
    out = stepVio(out.state, [], [], [{ kind: VIO_FRAME_WORK, id: 'vio-frame-0', ok: false, error: 'boom' }]);
    expect(out.state.failed).toBe(1);
    expect(out.state.lastError).toBe('vio-frame-0: boom');
    expect((out.requests[0]?.payload as { frame: CameraFrameEvent }).frame.frame.seq).toBe(2);
  });
});
