/**
 * External tracking (`src/layers/intelligence/tracker.ts`) on the sample session's ground truth (EuRoC MH_01) paced by
 * its imu0 stamps: one `tracker` pose per IMU batch equal to the ground truth there, its velocity, the followed IMU
 * only, nothing outside the span; the prediction prefers the tracker over the VIO and the AHRS; and through
 * `karana run --tracker groundtruth` (`--speed 0`, no VIO): tracker poses at the IMU's rate, predicted poses with a
 * position and a body rate, anchors on the tracker, and a clear error for a session without ground truth.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSession } from '../../hal/session/index.js';
import type { AnchorResultEvent, ImuSamplesEvent, PoseEvent } from '../../src/bus/topics.js';
import { runCommand } from '../../src/cli/run.js';
import { stepPrediction, INITIAL_PREDICTION } from '../../src/layers/intelligence/prediction/index.js';
import { INITIAL_TRACKER, stepTracker } from '../../src/layers/intelligence/tracker.js';
import { sampleSessionPath } from '../../src/paths.js';
import { groundTruthPoseSource } from '../../src/runtime/ground-truth.js';
import { tmpFolder } from '../hal/data.js';
import { quietRun } from '../runtime/helpers.js';

const SAMPLE_DIR = dirname(sampleSessionPath());
const session = await loadSession(sampleSessionPath());
const gt = await groundTruthPoseSource(session);
await session.close();

/** imu0's stamps on the session clock (ns since the first cam0 frame), from the sample's CSV. */
async function imuStampsNs(): Promise<number[]> {
  const csv = await readFile(join(SAMPLE_DIR, 'mav0/imu0/data.csv'), 'utf8');
  const startNs = 1403636584763555584n; // session.toml startNs
  return csv.trim().split('\n').filter((l) => !l.startsWith('#')).map((l) => Number(BigInt(l.split(',')[0] as string) - startNs));
}

const batch = (deviceId: string, tNs: number[]): ImuSamplesEvent => ({ deviceId, count: tNs.length, tNs: Float64Array.from(tNs), gyroRadps: new Float64Array(3 * tNs.length), accelMps2: new Float64Array(3 * tNs.length) });

describe('external tracker stage', () => {
  it('gives one pose per batch of the followed IMU at its newest stamp, equal to the ground truth there, with its velocity', async () => {
    const stamps = await imuStampsNs();
    let state = INITIAL_TRACKER;
    const poses: PoseEvent[] = [];
    for (let i = 0; i + 5 <= 1000; i += 5) {
      const out = stepTracker(state, [batch('imu0', stamps.slice(i, i + 5)), batch('imu1', stamps.slice(i, i + 5))], gt);
      state = out.state;
      poses.push(...out.poses);
    }
    expect(state.deviceId).toBe('imu0');
    expect(poses.length).toBe(200);
    for (const [k, p] of poses.entries()) {
      expect(p.source).toBe('tracker');
      expect(p.tNs).toBe(stamps[5 * k + 4]);
      const T = gt.poseAt(p.tNs);
      expect(p.q_world_body).toEqual([...(T?.q ?? [])]);
      expect(p.p_world_body_m).toEqual([...(T?.p ?? [])]);
    }
    // velocity: the hand-held motion of MH_01's start, against the ground truth's positions 50 ms apart
    const p = poses[100] as PoseEvent;
    const a = gt.poseAt(p.tNs - 25e6)?.p ?? [0, 0, 0];
    const b = gt.poseAt(p.tNs + 25e6)?.p ?? [0, 0, 0];
    const v = [0, 1, 2].map((k) => ((b[k] as number) - (a[k] as number)) / 0.05);
    expect(Math.hypot(...v)).toBeGreaterThan(0.05);
    expect(p.v_world_mps).toHaveLength(3);
    p.v_world_mps?.forEach((x, k) => expect(x).toBeCloseTo(v[k] as number, 1));
  });

  it('gives nothing outside the ground truth or for empty batches', () => {
    expect(stepTracker(INITIAL_TRACKER, [batch('imu0', [-1e9, -0.5e9])], gt).poses).toEqual([]);
    expect(stepTracker(INITIAL_TRACKER, [batch('imu0', [])], gt)).toEqual({ state: { deviceId: null }, poses: [] });
  });

  it('is the base the prediction follows, over the VIO and the AHRS', () => {
    const T = gt.poseAt(2e9);
    if (T === undefined) throw new Error('no ground truth at 2 s');
    const tracker: PoseEvent = { tNs: 2e9, source: 'tracker', q_world_body: T.q, p_world_body_m: T.p };
    const vio: PoseEvent = { tNs: 2.001e9, source: 'vio', q_world_body: [1, 0, 0, 0], p_world_body_m: [0, 0, 0] };
    const ahrs: PoseEvent = { tNs: 2.002e9, source: 'ahrs', q_world_body: [1, 0, 0, 0] };
    const first = stepPrediction(INITIAL_PREDICTION, [], [tracker, vio, ahrs], 2.002e9);
    expect(first.state.base).toBe(tracker);
    const later = stepPrediction(first.state, [], [{ ...vio, tNs: 2.01e9 }], 2.01e9);
    expect(later.state.base).toBe(tracker);
    const fromVio = stepPrediction(INITIAL_PREDICTION, [], [ahrs, vio], 2.002e9);
    expect(fromVio.state.base).toBe(vio);
  });
});

describe('karana run --tracker groundtruth (sample, --speed 0, no VIO)', () => {
  const tmp = tmpFolder('tracker-run');
  afterAll(async () => (await tmp).remove());

  it('publishes tracker poses at the IMU rate, predicted poses with position and body rate, and anchors follow the tracker', async () => {
    const dir = (await tmp).dir;
    const log = join(dir, 'events.jsonl');
    await runCommand({ ...quietRun, detect: false, vio: false, tracker: 'groundtruth', anchors: join(dir, 'anchors.json'), anchorAt: ['4.7,-1.8,1.0@3'], eventLog: log });
    const events = (await readFile(log, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { topic: string; payload: unknown });
    const poses = events.filter((e) => e.topic === 'pose.updated').map((e) => e.payload as PoseEvent);
    const tracker = poses.filter((p) => p.source === 'tracker');
    const predicted = poses.filter((p) => p.source === 'predicted');
    expect(poses.some((p) => p.source === 'vio')).toBe(false);
    expect(tracker.length).toBeGreaterThan(1900); // 1991 IMU samples in 9.95 s, batched per 200 Hz step
    expect(predicted.length).toBeGreaterThan(1900);
    expect(predicted.at(-1)?.p_world_body_m).toBeDefined();
    expect(predicted.at(-1)?.omega_body_radps).toHaveLength(3);
    const results = events.filter((e) => e.topic === 'anchor.result').map((e) => e.payload as AnchorResultEvent);
    expect(results.map((r) => r.ok)).toEqual([true]);
    expect(events.some((e) => e.topic === 'anchors.updated')).toBe(true);
  });

  it('names the session and the flag when the session has no ground truth', async () => {
    const dir = (await tmp).dir;
    const toml = await readFile(sampleSessionPath(), 'utf8');
    const { writeFile, symlink } = await import('node:fs/promises');
    for (const entry of ['mav0', 'world', 'audio', 'traces']) await symlink(join(SAMPLE_DIR, entry), join(dir, entry));
    await writeFile(join(dir, 'session.toml'), toml.replace(/\[groundtruth\][\s\S]*$/, '').replace('name = "sample"', 'name = "no-truth"'));
    await expect(runCommand({ ...quietRun, detect: false, vio: false, tracker: 'groundtruth', session: dir })).rejects.toThrow(/--tracker groundtruth: session no-truth has no ground truth/);
  });
});
