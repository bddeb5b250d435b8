/**
 * World-locked anchors through the real runtime, on the bundled sample session (10 s of EuRoC MH_01: cam0 at
 * 20 Hz, imu0 at 200 Hz; the VIO tracks from ≈ 2 s, after its delayed initialisation), at `--speed 0`:
 * scripted commands → `anchor.result` and one `anchors.updated` per tracking frame with a pixel; the file
 * carried across two runtime instances; a corrupt file; bad commands.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AnchorResultEvent, AnchorsUpdatedEvent, CameraFrameEvent } from '../../src/bus/topics.js';
import { runCommand, type RunCommandOptions } from '../../src/cli/run.js';
import { loadSession } from '../../hal/session/index.js';
import { parseAnchors } from '../../src/layers/intelligence/anchors/index.js';
import { madgwickFilter } from '../../src/layers/intelligence/madgwick-filter.js';
import { sampleSessionPath } from '../../src/paths.js';
import type { ScriptedAnchorCommand } from '../../src/runtime/anchor-script.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { tmpFolder } from '../hal/data.js';
import { quietRun } from './helpers.js';

const run: RunCommandOptions = { ...quietRun, detect: false };
type Logged = { topic: string; tNs: number; payload: unknown };

async function eventLog(file: string): Promise<Logged[]> {
  return (await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Logged);
}
const of = <T,>(log: Logged[], topic: string): T[] => log.filter((e) => e.topic === topic).map((e) => e.payload as T);
const cam0FrameTimes = (log: Logged[]): number[] => of<CameraFrameEvent & { deviceId: string }>(log, 'camera.frame').filter((f) => f.deviceId === 'cam0').map((f) => f.tNs);

describe('karana run with anchors (sample session, --speed 0)', () => {
  const tmp = tmpFolder('anchors-run');
  afterAll(async () => (await tmp).remove());
  const file = async (): Promise<string> => join((await tmp).dir, 'anchors.json');

  it('--anchor-at / --anchor-pixel: results on anchor.result, then the anchors in every tracking frame with a pixel; saved to --anchors', async () => {
    const dir = (await tmp).dir;
    const report = await runCommand({ ...run, anchors: await file(), anchorAt: ['2.2,-0.5,-2@3'], anchorPixel: ['376,240,3@4', '100,100,2@0.5'], eventLog: join(dir, 'a.jsonl') });
    const log = await eventLog(join(dir, 'a.jsonl'));
    const results = of<AnchorResultEvent>(log, 'anchor.result');
    expect(results.map((r) => [r.requestId, r.kind, r.ok ? r.anchorId : r.reason])).toEqual([
      ['cli-3', 'create-at-pixel', 'no 6-DoF pose yet (the view ray has no place in the world until the VIO tracks)'],
      ['cli-1', 'create', 'anchor-1'],
      ['cli-2', 'create-at-pixel', 'anchor-2'],
    ]);
    const updates = of<AnchorsUpdatedEvent>(log, 'anchors.updated');
    // One update per cam0 frame from the first anchor's frame (3.0 s) on — layer 5's last step is at 9.904 s,
    // so the 9.95 s frame, taken on the final tick, gets none.
    expect(updates.map((u) => u.tNs)).toEqual(cam0FrameTimes(log).filter((t) => t >= 3e9 && t <= 9.9e9));
    for (const u of updates) {
      const a1 = u.anchors.find((a) => a.id === 'anchor-1');
      expect(a1?.p_world_m).toEqual([2.2, -0.5, -2]);
      expect(a1?.pixel).toBeDefined(); // 2.2 m in front all along (the VIO tracks from 2 s)
      expect(u.anchors.map((a) => a.id)).toEqual(u.tNs < 4e9 ? ['anchor-1'] : ['anchor-1', 'anchor-2']);
    }
    // The pixel anchor, in the frame it was picked in, is drawn where it was picked, 3 m along the optical axis.
    const at4 = updates.find((u) => u.tNs === 4e9)?.anchors.find((a) => a.id === 'anchor-2');
    expect(at4?.pixel?.[0]).toBeCloseTo(376, 6);
    expect(at4?.pixel?.[1]).toBeCloseTo(240, 6);
    expect(at4?.p_view_m?.[2]).toBeCloseTo(3, 9);
    // Later, with the head moved, it stays in the image and moves (world-locked, not head-locked).
    const last = updates.at(-1)?.anchors.find((a) => a.id === 'anchor-2')?.pixel ?? [0, 0];
    expect(Math.hypot(last[0] - 376, last[1] - 240)).toBeGreaterThan(20);
    expect(report.anchors).toMatchObject({ file: await file(), loadError: null, count: 2, accepted: 2, rejected: 1, unsent: 0, saved: 2, saveErrors: 0 });
    const saved = parseAnchors('anchors.json', await readFile(await file(), 'utf8'));
    expect(saved.anchors.map((a) => [a.id, a.p_world_m])).toEqual(results.flatMap((r) => (r.ok ? [[r.anchorId, r.p_world_m]] : [])));
    expect(saved.nextId).toBe(3);
  }, 120_000);

  it('a second runtime on the same file publishes the first run\'s anchors from its first tracking frame, where they were', async () => {
    const dir = (await tmp).dir;
    const before = await readFile(await file());
    const report = await runCommand({ ...run, anchors: await file(), eventLog: join(dir, 'b.jsonl') });
    const log = await eventLog(join(dir, 'b.jsonl'));
    const updates = of<AnchorsUpdatedEvent>(log, 'anchors.updated');
    expect(updates.map((u) => u.tNs)).toEqual(cam0FrameTimes(log).filter((t) => t <= 9.9e9));
    expect(updates[0]?.anchors.map((a) => a.id)).toEqual(['anchor-1', 'anchor-2']);
    expect(updates[0]?.anchors[0]?.pixel).toBeUndefined(); // no 6-DoF pose yet at 0 s
    // Same recording → same VIO world frame: anchor-2 is again at the pixel it was picked at, at 4 s.
    const at4 = updates.find((u) => u.tNs === 4e9)?.anchors.find((a) => a.id === 'anchor-2');
    expect(at4?.pixel?.[0]).toBeCloseTo(376, 6);
    expect(at4?.pixel?.[1]).toBeCloseTo(240, 6);
    expect(report.anchors).toMatchObject({ summary: `anchors on cam0: 2 loaded, file ${await file()}`, count: 2, accepted: 0, saved: 0 });
    expect((await readFile(await file())).equals(before)).toBe(true); // nothing changed, nothing written
  }, 120_000);

  it('a corrupt file: reported, the run goes on with no anchors, the file untouched until an anchor changes', async () => {
    const dir = (await tmp).dir;
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"format": "karana-anchors", "version": 1, "nextId": 2, "anchors": [{"id": "anchor-1", "p_world_m": [1, 2, "x"]');
    const before = await readFile(bad);
    const report = await runCommand({ ...run, anchors: bad, eventLog: join(dir, 'c.jsonl') });
    expect(report.anchors.loadError).toMatch(new RegExp(`^anchors file ${bad}: not JSON: `));
    expect(report.anchors).toMatchObject({ count: 0, saved: 0 });
    expect(report.devices.cam0).toMatchObject({ samples: 200, state: 'ended' });
    expect(report.vio.poses).toBeGreaterThan(1000);
    expect(of(await eventLog(join(dir, 'c.jsonl')), 'anchors.updated')).toEqual([]);
    expect((await readFile(bad)).equals(before)).toBe(true);
    // Once an anchor is created the file is replaced by a good one.
    const again = await runCommand({ ...run, anchors: bad, anchorAt: ['1,0,0@5'] });
    expect(again.anchors).toMatchObject({ count: 1, saved: 1 });
    expect(parseAnchors(bad, await readFile(bad, 'utf8')).anchors.map((a) => a.p_world_m)).toEqual([[1, 0, 0]]);
  }, 120_000);

  it('bad commands are answered with the reason on anchor.result; the runtime goes on and takes the next one', async () => {
    const session = await loadSession(sampleSessionPath());
    const script: ScriptedAnchorCommand[] = [
      { atNs: 3e9, requestId: 'nan', command: { kind: 'create', p_world_m: [1, Number.NaN, 0] } },
      { atNs: 3e9, requestId: 'shape', command: { kind: 'create-at-pixel', pixel: [10], depthM: 2 } as never },
      { atNs: 3e9, requestId: 'what', command: { kind: 'explode' } as never },
      { atNs: 3e9, requestId: 'quat', command: { kind: 'create', p_world_m: [1, 0, 0], q_world_anchor: [1, 1, 0, 0] } },
      { atNs: 3e9, requestId: 'outside', command: { kind: 'create-at-pixel', pixel: [800, 10], depthM: 2 } },
      { atNs: 3e9, requestId: 'near', command: { kind: 'create-at-pixel', pixel: [10, 10], depthM: 0.01 } },
      { atNs: 3.5e9, requestId: 'gone', command: { kind: 'remove', id: 'anchor-7' } },
      { atNs: 4e9, requestId: 'good', command: { kind: 'create', p_world_m: [2, 0, -2] } },
      { atNs: 5e9, requestId: 'remove', command: { kind: 'remove', id: 'anchor-1' } },
    ];
    const runtime = new Runtime({ session, speed: 0, filter: madgwickFilter(), detector: null, anchors: { script } });
    const results: AnchorResultEvent[] = [];
    const updates: AnchorsUpdatedEvent[] = [];
    runtime.bus.observe('anchor.result').subscribe((e) => results.push(e.payload));
    runtime.bus.observe('anchors.updated').subscribe((e) => updates.push(e.payload));
    try {
      await runtime.run();
    } finally {
      await session.close();
    }
    expect(results.map((r) => [r.requestId, r.kind, r.ok ? r.anchorId : r.reason])).toEqual([
      ['nan', 'create', 'anchor.command "command.p_world_m.1": must be a finite number'],
      ['shape', 'create-at-pixel', 'anchor.command "command.pixel": Too small: expected array to have >=2 items'],
      ['what', 'unknown', "anchor.command \"command.kind\": Invalid discriminator value. Expected 'create' | 'create-at-pixel' | 'remove'"],
      ['quat', 'create', 'anchor "q_world_anchor" must be a unit quaternion [w, x, y, z], got [1,1,0,0]'],
      ['outside', 'create-at-pixel', 'pixel (800, 10) is outside the 752×480 tracking image'],
      ['near', 'create-at-pixel', 'depthM 0.01 is nearer than 0.05 m'],
      ['gone', 'remove', 'no anchor "anchor-7"'],
      ['good', 'create', 'anchor-1'],
      ['remove', 'remove', 'anchor-1'],
    ]);
    expect(runtime.hardware.devices.cam0).toMatchObject({ samples: 200, state: 'ended' });
    // Shown from 4 s to the frame before 5 s, then one empty update after the removal, then nothing.
    expect(updates.map((u) => u.anchors.length)).toEqual([...Array<number>(20).fill(1), 0]);
    expect(updates.at(-1)?.tNs).toBe(5e9);
    expect(runtime.anchorsFile).toBeUndefined(); // the library default: not persisted
  }, 120_000);

  it('--anchor-pixel u,v@t without a depth: the anchor sits where the view ray meets the scene (the VIO\'s landmarks)', async () => {
    const dir = (await tmp).dir;
    await runCommand({ ...run, anchors: join(dir, 'scene.json'), anchorPixel: ['340,200@5', '340,200@0.5'], eventLog: join(dir, 's.jsonl') });
    const log = await eventLog(join(dir, 's.jsonl'));
    const results = of<AnchorResultEvent>(log, 'anchor.result');
    expect(results.map((r) => [r.requestId, r.ok ? r.anchorId : r.reason])).toEqual([
      ['cli-2', 'no 6-DoF pose yet (the view ray has no place in the world until the VIO tracks)'],
      ['cli-1', 'anchor-1'],
    ]);
    const at5 = of<AnchorsUpdatedEvent>(log, 'anchors.updated').find((u) => u.tNs === 5e9)?.anchors[0];
    expect(at5?.pixel?.[0]).toBeCloseTo(340, 6);
    expect(at5?.pixel?.[1]).toBeCloseTo(200, 6);
    const depth = at5?.p_view_m?.[2] ?? NaN;
    console.log(`ray meets the scene at ${depth.toFixed(3)} m`);
    expect(depth).toBeGreaterThan(0.5);
    expect(depth).toBeLessThan(20);
  }, 120_000);
});
