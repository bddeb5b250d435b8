/**
 * The pieces that wire anchors into the runtime, without running it: `karana run`'s anchor flags, the
 * default file, the serialised save queue (on the real file system), `anchor.command` validation and the
 * `anchors.updated` cadence of the layer adapter. The runtime itself: test/runtime/anchors-run.test.ts.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, test } from 'vitest';
import { addAnchorOptions } from '../../src/cli/run.js';
import type { CameraFrameEvent } from '../../src/bus/topics.js';
import {
  EMPTY_ANCHOR_STORE,
  createAnchor,
  createAnchorsSaveQueue,
  createViewCamera,
  initialAnchors,
  parseAnchorCommand,
  parseAnchors,
  stepAnchors,
} from '../../src/layers/intelligence/anchors/index.js';
import { parseAnchorAt, parseAnchorPixel, scriptFromFlags } from '../../src/runtime/anchor-script.js';
import { defaultAnchorsFile } from '../../src/runtime/anchors.js';
import { EUROC_CAM0 } from './euroc-cam0.js';

const CAM0 = EUROC_CAM0;

describe('karana run anchor flags', () => {
  test('--anchor-at x,y,z[@t] and --anchor-pixel u,v[,depth]@t', () => {
    expect(parseAnchorPixel('376,240@4', 'r')).toEqual({ atNs: 4e9, requestId: 'r', command: { kind: 'create-at-pixel', pixel: [376, 240], label: '--anchor-pixel 376,240@4' } });
    expect(parseAnchorAt('1.5,0,-0.2@3', 'cli-1')).toEqual({ atNs: 3e9, requestId: 'cli-1', command: { kind: 'create', p_world_m: [1.5, 0, -0.2], label: '--anchor-at 1.5,0,-0.2@3' } });
    expect(parseAnchorAt('1,2,3', 'r').atNs).toBe(0);
    expect(parseAnchorPixel('376,240,2.5@4.25', 'r')).toEqual({ atNs: 4.25e9, requestId: 'r', command: { kind: 'create-at-pixel', pixel: [376, 240], depthM: 2.5, label: '--anchor-pixel 376,240,2.5@4.25' } });
    expect(scriptFromFlags(['0,0,0'], ['1,1,1@1', '2,2,2@2']).map((c) => c.requestId)).toEqual(['cli-1', 'cli-2', 'cli-3']);
  });

  test('addAnchorOptions: the names runCommand takes; --anchor-at and --anchor-pixel repeat', () => {
    const parse = (...args: string[]): Record<string, unknown> => addAnchorOptions(new Command().exitOverride()).parse(args, { from: 'user' }).opts();
    expect(parse()).toEqual({}); // --anchors is declared before --no-anchors, so no default: runCommand picks the state-dir file
    expect(parse('--anchors', 'a.json', '--anchor-at', '1,2,3', '--anchor-at', '4,5,6@2', '--anchor-pixel', '1,2,3@4')).toEqual({ anchors: 'a.json', anchorAt: ['1,2,3', '4,5,6@2'], anchorPixel: ['1,2,3@4'] });
    expect(parse('--no-anchors')).toEqual({ anchors: false });
  });

  test('bad flags name the flag, the value and the expected form', () => {
    expect(() => parseAnchorAt('1,2', 'r')).toThrow('--anchor-at "1,2": expected x,y,z[@tSeconds] (world frame, m; runtime s, default 0), e.g. 1.5,0,0.2@3');
    expect(() => parseAnchorAt('1,2,z@1', 'r')).toThrow('--anchor-at "1,2,z@1": expected x,y,z[@tSeconds]');
    expect(() => parseAnchorPixel('376,240,2', 'r')).toThrow('--anchor-pixel "376,240,2": expected u,v[,depthM]@tSeconds (tracking-image px; m along the optical axis, default where the ray meets the scene; runtime s), e.g. 376,240,2.5@4 or 376,240@4');
    expect(() => parseAnchorPixel('376@4', 'r')).toThrow('--anchor-pixel "376@4": expected u,v[,depthM]@tSeconds');
    expect(() => parseAnchorPixel('376,240,2@-1', 'r')).toThrow('--anchor-pixel "376,240,2@-1": the time after "@" must be seconds ≥ 0, got "-1"');
  });

  test('the default file: one per session, under $XDG_STATE_HOME (absolute) or ~/.local/state', () => {
    const a = defaultAnchorsFile('sample', '/data/sample/session.toml', { XDG_STATE_HOME: '/var/state' });
    expect(a).toMatch(/^\/var\/state\/karana\/anchors\/sample-[0-9a-f]{8}\.json$/);
    expect(defaultAnchorsFile('sample', '/other/session.toml', { XDG_STATE_HOME: '/var/state' })).not.toBe(a);
    expect(defaultAnchorsFile('my run/1', '/x', { XDG_STATE_HOME: 'relative' })).toMatch(/\/\.local\/state\/karana\/anchors\/my_run_1-[0-9a-f]{8}\.json$/);
  });
});

describe('save queue', () => {
  test('saves issued together are written one after the other; the file ends as the last store', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'karana-anchors-q-')), 'anchors.json');
    const queue = createAnchorsSaveQueue();
    let store = EMPTY_ANCHOR_STORE;
    const saves: Promise<unknown>[] = [];
    for (let i = 0; i < 5; i += 1) {
      store = createAnchor(store, { p_world_m: [i, 0, 0] }, i).store;
      saves.push(queue.handler({ file, store }));
    }
    await Promise.all(saves);
    await queue.idle();
    expect(parseAnchors(file, readFileSync(file, 'utf8')).anchors.map((a) => a.id)).toEqual(['anchor-1', 'anchor-2', 'anchor-3', 'anchor-4', 'anchor-5']);
    expect(queue.stats()).toEqual({ saved: 5, failed: 0, lastError: null });
  });

  test('a failed save is counted with its error and does not stop the next', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'karana-anchors-q-'));
    const queue = createAnchorsSaveQueue();
    const store = createAnchor(EMPTY_ANCHOR_STORE, { p_world_m: [1, 0, 0] }, 0).store;
    await expect(queue.handler({ file: join(dir, 'missing/anchors.json'), store })).rejects.toThrow(`anchors file ${join(dir, 'missing/anchors.json')}: cannot write: `);
    await queue.handler({ file: join(dir, 'anchors.json'), store });
    expect(queue.stats()).toMatchObject({ saved: 1, failed: 1 });
  });
});

describe('anchor.command validation', () => {
  test('a good command passes; a bad one names the field', () => {
    expect(parseAnchorCommand({ tNs: 1, requestId: 'a', command: { kind: 'remove', id: 'anchor-1' } })).toEqual({ ok: true, event: { tNs: 1, requestId: 'a', command: { kind: 'remove', id: 'anchor-1' } } });
    expect(parseAnchorCommand({ tNs: 1, requestId: 'b', command: { kind: 'create-at-pixel', pixel: [1, 2], depthM: -1 } })).toEqual({ ok: false, requestId: 'b', kind: 'create-at-pixel', reason: 'anchor.command "command.depthM": must be > 0 m' });
    expect(parseAnchorCommand(null)).toMatchObject({ ok: false, requestId: '', kind: 'unknown' });
  });
});

describe('anchors.updated cadence', () => {
  const view = createViewCamera(CAM0, 752, 480);
  const frame = (tNs: number): CameraFrameEvent => ({ deviceId: 'cam0', role: 'tracking', tNs, frame: { seq: 0, widthPx: 752, heightPx: 480, format: 'GRAY8', data: new Uint8Array(0) } as unknown as CameraFrameEvent['frame'] });

  test('nothing while the store is empty; after the last removal, one empty update on the next frame', () => {
    const empty = stepAnchors(initialAnchors(EMPTY_ANCHOR_STORE), [frame(1), frame(2)], [], [], 2, { view });
    expect(empty.updates).toEqual([]);
    const one = stepAnchors(empty.state, [frame(3)], [], [{ kind: 'create', spec: { p_world_m: [1, 0, 0] } }], 3, { view });
    expect(one.updates.map((u) => u.anchors.length)).toEqual([1]);
    const removed = stepAnchors(one.state, [], [], [{ kind: 'remove', id: 'anchor-1' }], 4, { view }); // a step without frames
    expect(removed.outcomes.map((o) => o.ok)).toEqual([true]);
    const next = stepAnchors(removed.state, [frame(5), frame(6)], [], [], 6, { view });
    expect(next.updates).toEqual([{ tNs: 5, anchors: [] }]);
    expect(stepAnchors(next.state, [frame(7)], [], [], 7, { view }).updates).toEqual([]);
  });
});
