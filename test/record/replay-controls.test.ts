/**
 * Replay controls (hal/replay/) on real recordings: start offset, loop and pause/resume on the EuRoC MH_01
 * excerpt and the bundled sample session, through the session wrapper and through `karana run`
 * (`runCommand` with `startS` / `loop`), and on an MCAP recording (the controls are driver-agnostic).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMcapSession } from '../../hal/mcap/session.js';
import { ReplayController } from '../../hal/replay/controller.js';
import { applyReplayControls } from '../../hal/replay/controls.js';
import { loadSession } from '../../hal/session/index.js';
import type { Session } from '../../hal/session/index.js';
import { runCommand } from '../../src/cli/run.js';
import { recordSession } from '../../src/record/record.js';
import { MH01, tmpFolder } from '../hal/data.js';
import { quietRun } from '../runtime/helpers.js';
import { SAMPLE_SESSION } from './helpers.js';

/** Session times (ns) and device times of every sample of device `id`. */
async function times(session: Session, id: string): Promise<{ tNs: number[]; deviceNs: bigint[] }> {
  const d = session.devices.find((x) => x.device.info.id === id);
  if (d === undefined) throw new Error(`no ${id}`);
  const out = { tNs: [] as number[], deviceNs: [] as bigint[] };
  for (let s = await d.device.read(); s !== null; s = await d.device.read()) {
    out.tNs.push(d.toSessionNs(s.deviceTimeNs));
    out.deviceNs.push(s.deviceTimeNs);
  }
  return out;
}

let dir = '';
let remove: () => Promise<void> = async () => undefined;
beforeAll(async () => ({ dir, remove } = await tmpFolder('replay-controls')));
afterAll(async () => remove());

describe('replay controls', () => {
  it('start offset: MH_01 from 10 s replays frames 200… re-based to session time 0, and shortens the session', async () => {
    const base = await loadSession(MH01);
    const full = (await times(base, 'cam0')).tNs;
    await base.close();
    const session = applyReplayControls(await loadSession(MH01), { startS: 10 });
    expect(session.durationNs).toBe(full.at(-1)! - 10e9);
    const cam = await times(session, 'cam0');
    await session.close();
    const kept = full.filter((t) => t >= 10e9);
    expect(cam.tNs).toEqual(kept.map((t) => t - 10e9));
    expect(cam.tNs.length).toBe(400);
    expect(cam.tNs[0]).toBe(0);
  });

  it('loop: MH_01 twice gives every sample twice, device clocks strictly increasing across the seam', async () => {
    const session = applyReplayControls(await loadSession(MH01), { loop: 2 });
    const spanNs = 29_949_999_872; // the session duration: last − first cam0 stamp
    expect(session.durationNs).toBe(2 * spanNs + 50_000_000);
    const [cam, imu] = [await times(session, 'cam0'), await times(session, 'imu0')];
    await session.close();
    expect(cam.tNs.length).toBe(1200);
    expect(imu.tNs.length).toBe(2 * 5991);
    for (const s of [cam, imu]) for (let i = 1; i < s.deviceNs.length; i++) if (s.deviceNs[i]! <= s.deviceNs[i - 1]!) expect.fail(`device time goes back at ${i}`);
    const periodNs = spanNs + 50_000_000;
    expect(cam.tNs[600]).toBe(cam.tNs[0]! + periodNs);
    expect(cam.tNs.slice(600)).toEqual(cam.tNs.slice(0, 600).map((t) => t + periodNs));
  });

  it('rejects a start past the end and a loop without a duration, naming the value', async () => {
    const session = await loadSession(MH01);
    expect(() => applyReplayControls(session, { startS: 40 })).toThrow('"start" 40 s is past the end of session "euroc_mh01_excerpt" (29.950 s)');
    expect(() => applyReplayControls({ ...session, durationNs: undefined }, { loop: 2 })).toThrow('"loop" needs a session with a duration; session "euroc_mh01_excerpt" has none');
    expect(() => applyReplayControls(session, { loop: 0 })).toThrow('"loop" must be a whole number ≥ 1 or true, got 0');
    await session.close();
  });

  it('pause holds every device until resume; on a real clock later samples move by the pause length', async () => {
    let nowNs = 0;
    const controller = new ReplayController(() => nowNs);
    const plain = await loadSession(SAMPLE_SESSION);
    const base = (await times(plain, 'imu0')).tNs;
    await plain.close();
    const session = applyReplayControls(await loadSession(SAMPLE_SESSION), { controller });
    const imu = session.devices.find((d) => d.device.info.id === 'imu0');
    if (imu === undefined) throw new Error('no imu0');
    const first = await imu.device.read();
    expect(imu.toSessionNs(first!.deviceTimeNs)).toBe(0);
    nowNs = 1e9;
    controller.pause();
    let got = false;
    const pending = imu.device.read().then((s) => ((got = true), s));
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toBe(false);
    nowNs = 3e9; // paused for 2 s of runtime
    controller.resume();
    const second = await pending;
    expect(imu.toSessionNs(second!.deviceTimeNs)).toBe(base[1]); // due before the pause began: unshifted
    // Every sample due after the pause point (1 s) comes 2 s later.
    const after: number[] = [];
    for (let s = await imu.device.read(); s !== null; s = await imu.device.read()) after.push(imu.toSessionNs(s.deviceTimeNs));
    expect(after).toEqual(base.slice(2).map((t) => (t >= 1e9 ? t + 2e9 : t)));
    await session.close();
  });

  it('karana run --start 20 --loop 2 --speed 0 on MH_01: 2 × 200 frames, 2 × 1,991 IMU samples', async () => {
    const report = await runCommand({ ...quietRun, session: MH01, detect: false, startS: 20, loop: 2 });
    expect(report.devices.cam0).toMatchObject({ samples: 400, skipped: 0, state: 'ended' });
    expect(report.devices.imu0).toMatchObject({ samples: 2 * 1991, skipped: 0, state: 'ended' });
  });

  it('works on any replay driver: an MCAP recording of the sample session from 5 s', async () => {
    const file = join(dir, 'sample.mcap');
    const source = await loadSession(SAMPLE_SESSION);
    await recordSession(source, { out: file, topics: ['imu0', 'mic', 'soc'] });
    await source.close();
    const session = applyReplayControls(await openMcapSession(file), { startS: 5 });
    const [imu, mic, soc] = [await times(session, 'imu0'), await times(session, 'mic'), await times(session, 'soc')];
    await session.close();
    expect(imu.tNs[0]).toBe(0);
    expect(imu.tNs.length).toBe(991);
    expect(mic.tNs.every((t) => t >= 0 && t <= 4.95e9)).toBe(true);
    expect(soc.tNs).toEqual([0, 1e9, 2e9, 3e9, 4e9]);
  });
});
