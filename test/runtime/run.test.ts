/**
 * `karana run` end to end, in process, on real recordings: the EuRoC excerpt at `--speed 0`, byte-identical
 * event logs, and the bundled sample session.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../src/cli/run.js';
import { MH01, ROOT, tmpFolder } from '../hal/data.js';
import { quietRun } from './helpers.js';

describe('karana run --speed 0', () => {
  const tmp = tmpFolder('karana-run-');
  afterAll(async () => (await tmp).remove());

  it('replays all 600 frames and the 5,991 IMU samples of the EuRoC MH_01 excerpt and scores orientation against ground truth', async () => {
    const report = await runCommand({ ...quietRun, session: MH01, report: join((await tmp).dir, 'r.json') });
    expect(report.devices.cam0).toMatchObject({ kind: 'camera', samples: 600, skipped: 0, state: 'ended' });
    expect(report.devices.imu0).toMatchObject({ kind: 'imu', samples: 5991, skipped: 0, state: 'ended' });
    const error = report.orientation.errorVsGroundTruth;
    expect(error?.count).toBeGreaterThan(5900);
    expect(error?.tiltRmsDeg).toBeLessThan(10);
    const written = JSON.parse(await readFile(join((await tmp).dir, 'r.json'), 'utf8')) as typeof report;
    expect(written.orientation.errorVsGroundTruth?.rmsDeg).toBe(error?.rmsDeg);
    expect(report.detections.model).toBeNull(); // EuRoC has no world camera
  });

  it('gives byte-identical event logs for two runs of the same session', async () => {
    const dir = (await tmp).dir;
    const sample = join(ROOT, 'hal/sessions/sample/session.toml');
    await runCommand({ ...quietRun, session: sample, eventLog: join(dir, 'a.jsonl') });
    await runCommand({ ...quietRun, session: sample, eventLog: join(dir, 'b.jsonl') });
    const [a, b] = await Promise.all([readFile(join(dir, 'a.jsonl')), readFile(join(dir, 'b.jsonl'))]);
    expect(a.length).toBeGreaterThan(100_000);
    expect(a.equals(b)).toBe(true);
    const topics = new Set(a.toString('utf8').trim().split('\n').map((l) => (JSON.parse(l) as { topic: string }).topic));
    expect([...topics].sort()).toEqual(['audio.chunk', 'camera.frame', 'device.state', 'imu.samples', 'objects.detected', 'objects.tracked', 'pose.updated', 'power.state', 'resources.changed', 'thermal.reading', 'tracking.state', 'ui.hud']);
  });

  it('runs the bundled sample session through every layer of this build', async () => {
    const report = await runCommand({ ...quietRun });
    expect(Object.fromEntries(Object.entries(report.devices).map(([id, d]) => [id, d.samples]))).toEqual({ cam0: 200, imu0: 1991, world: 100, mic: 311, soc: 10, battery: 2 });
    expect(report.detections.frames).toBe(100);
    expect(report.detections.byClass.person).toBeGreaterThan(30);
    expect(report.power.profile).toBe('balanced'); // the Pi trace crosses 60 °C at 5 s and wobbles 59/60 °C after
    expect(report.power.changes).toBe(2); // null → full → balanced: hysteresis holds it through the wobble
    expect(report.tick.layers.map((l) => l.name)).toEqual(['hardware', 'intelligence', 'interface', 'services']);
    expect(report.bus.totalDropped).toBe(0);
  });
});
