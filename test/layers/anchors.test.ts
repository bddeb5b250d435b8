/**
 * Spatial anchors (src/layers/intelligence/anchors): projection against the native undistortion,
 * triangulation on exact geometry (a known point seen from known poses — geometry, not sensor data),
 * the store, the persisted file (atomic, versioned, bad files named), the view of anchors and the
 * layer adapter.
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { undistortPointsSync } from '../../native/index.js';
import type { CameraFrameEvent, PoseEvent } from '../../src/bus/topics.js';
import { fromYaw, type Vec3 } from '../../src/math/quat.js';
import {
  ANCHORS_SAVE_WORK,
  AnchorFileError,
  EMPTY_ANCHOR_STORE,
  compose,
  createAnchor,
  createViewCamera,
  initialAnchors,
  inverse,
  loadAnchors,
  parseAnchors,
  placeFromObservations,
  projectPoint,
  refineTriangulation,
  removeAnchor,
  saveAnchors,
  saveAnchorsWork,
  serializeAnchors,
  stepAnchors,
  transformPoint,
  triangulateDlt,
  triangulateMidpoint,
  type RayObservation,
  type Transform,
} from '../../src/layers/intelligence/anchors/index.js';
import { EUROC_CAM0 } from './euroc-cam0.js';

const CAM0 = EUROC_CAM0;

describe('projection', () => {
  test('projectPoint inverts the native undistortPointsSync (OpenCV) to 1e-6 px', () => {
    const pts: Vec3[] = [[0, 0, 1], [0.5, -0.3, 1], [-0.7, 0.45, 2], [0.2, 0.1, 5]];
    const px = pts.map((p) => projectPoint(CAM0, p) ?? [NaN, NaN]);
    const out = new Float64Array(2 * pts.length);
    undistortPointsSync(CAM0, Float64Array.from(px.flat()), out);
    pts.forEach((p, i) => {
      expect(out[2 * i]).toBeCloseTo(p[0] / p[2], 6);
      expect(out[2 * i + 1]).toBeCloseTo(p[1] / p[2], 6);
    });
  });

  test('points behind or at the camera have no pixel', () => {
    expect(projectPoint(CAM0, [0, 0, -1])).toBeUndefined();
    expect(projectPoint(CAM0, [0, 0, 0.01])).toBeUndefined();
  });

  test('compose / inverse / transformPoint agree', () => {
    const a: Transform = { q: fromYaw(0.3), p: [1, 2, 3] };
    const b: Transform = { q: fromYaw(-1.1), p: [0.5, 0, -1] };
    const x: Vec3 = [0.3, -0.2, 4];
    const direct = transformPoint(a, transformPoint(b, x));
    const composed = transformPoint(compose(a, b), x);
    direct.forEach((v, k) => expect(composed[k]).toBeCloseTo(v, 12));
    transformPoint(inverse(a), transformPoint(a, x)).forEach((v, k) => expect(v).toBeCloseTo(x[k] as number, 12));
  });
});

describe('triangulation', () => {
  const X: Vec3 = [2, -1, 1.5];
  // Cameras looking along world +x (camera z = world x), 20 cm apart.
  const q_world_camera = [0.5, -0.5, 0.5, -0.5] as const; // camera z → world x, camera x → world −y
  const views: RayObservation[] = [[0, 0, 1.4], [0, 0.2, 1.5], [0.1, -0.1, 1.6]].map((c) => {
    const T: Transform = { q: q_world_camera, p: c as unknown as Vec3 };
    const pc = transformPoint(inverse(T), X);
    return { T_world_camera: T, xy: [pc[0] / pc[2], pc[1] / pc[2]] };
  });

  test('midpoint, DLT and the refinement recover an exactly observed point', () => {
    for (const t of [triangulateMidpoint(views), triangulateDlt(views), refineTriangulation(views, [2.2, -0.9, 1.4])]) {
      t.p_world_m.forEach((v, k) => expect(v).toBeCloseTo(X[k] as number, 9));
      expect(t.inFrontOfAll).toBe(true);
      expect(t.residualRms).toBeLessThan(1e-9);
      expect(t.parallaxRad).toBeGreaterThan(0.05);
    }
  });

  test('bad input is named: too few views, non-finite values, parallel rays', () => {
    expect(() => triangulateMidpoint(views.slice(0, 1))).toThrow('triangulation needs at least 2 views, got 1');
    expect(() => triangulateDlt([views[0] as RayObservation, { ...(views[1] as RayObservation), xy: [NaN, 0] }])).toThrow('triangulation: view 1 has a non-finite pose or image coordinate');
    const same = { T_world_camera: { q: q_world_camera, p: [0, 0, 0] as Vec3 }, xy: [0.1, 0.1] as [number, number] };
    expect(() => triangulateMidpoint([same, { ...same, T_world_camera: { q: q_world_camera, p: [0, 0, 0] } }])).toThrow('triangulation: the rays are parallel');
  });

  test('placement from distorted pixels: accepted with parallax, refused without', () => {
    const T = views.map((v) => v.T_world_camera);
    const obs = T.map((t) => ({ T_world_camera: t, pixel: projectPoint(CAM0, transformPoint(inverse(t), X)) ?? [0, 0] }));
    const placed = placeFromObservations(CAM0, obs);
    expect(placed.ok).toBe(true);
    if (placed.ok) placed.p_world_m.forEach((v, k) => expect(v).toBeCloseTo(X[k] as number, 6));
    const moved: Transform = { ...(T[0] as Transform), p: [0, 0.02, 1.4] };
    const near = [obs[0], { T_world_camera: moved, pixel: projectPoint(CAM0, transformPoint(inverse(moved), X)) ?? [0, 0] }] as typeof obs;
    const refused = placeFromObservations(CAM0, near);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.reason).toMatch(/^parallax 0\.[0-9]+° is below 1\.00°$/);
  });
});

describe('anchor store and file', () => {
  test('create, list, remove; ids never reused', () => {
    const a = createAnchor(EMPTY_ANCHOR_STORE, { p_world_m: [1, 2, 3], label: 'door' }, 5);
    const b = createAnchor(a.store, { p_world_m: [0, 0, 1] }, 6);
    expect(b.store.anchors.map((x) => x.id)).toEqual(['anchor-1', 'anchor-2']);
    const r = removeAnchor(b.store, 'anchor-1');
    expect(r.removed).toBe(true);
    expect(createAnchor(r.store, { p_world_m: [0, 0, 0] }, 7).anchor.id).toBe('anchor-3');
    expect(removeAnchor(r.store, 'nope').removed).toBe(false);
    expect(() => createAnchor(EMPTY_ANCHOR_STORE, { p_world_m: [1, NaN, 0] }, 0)).toThrow('anchor "p_world_m" must be 3 finite numbers, got [1,null,0]');
    expect(() => createAnchor(EMPTY_ANCHOR_STORE, { p_world_m: [0, 0, 0], q_world_anchor: [1, 1, 0, 0] }, 0)).toThrow('anchor "q_world_anchor" must be a unit quaternion');
  });

  test('save then load gives the same store; the write leaves no temporary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anchors-'));
    const file = join(dir, 'anchors.json');
    const store = createAnchor(createAnchor(EMPTY_ANCHOR_STORE, { p_world_m: [1, 2, 3], label: 'mug' }, 1).store, { p_world_m: [4, 5, 6] }, 2).store;
    await saveAnchors(file, store);
    expect(await loadAnchors(file)).toEqual(store);
    expect(readdirSync(dir)).toEqual(['anchors.json']);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ format: 'karana-anchors', version: 1, nextId: 3 });
    expect(await loadAnchors(join(dir, 'missing.json'))).toEqual(EMPTY_ANCHOR_STORE);
  });

  test('bad files give AnchorFileError naming the file and what is wrong', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anchors-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{"format": "karana-anchors", "version": 1, "nextId": 1, "anchors": [');
    await expect(loadAnchors(file)).rejects.toThrow(AnchorFileError);
    await expect(loadAnchors(file)).rejects.toThrow(`anchors file ${file}: not JSON:`);
    expect(() => parseAnchors('a.json', '{"format": "karana-anchors", "version": 2, "nextId": 1, "anchors": []}')).toThrow('anchors file a.json: version 2 is not supported (this runtime reads version 1)');
    const text = serializeAnchors(createAnchor(EMPTY_ANCHOR_STORE, { p_world_m: [1, 2, 3] }, 0).store).replace('"p_world_m": [\n        1,', '"p_world_m": [\n        "1",');
    expect(() => parseAnchors('a.json', text)).toThrow('anchors file a.json: "anchors.0.p_world_m.0":');
    const dup = '{"format":"karana-anchors","version":1,"nextId":3,"anchors":[{"id":"a","p_world_m":[0,0,0],"q_world_anchor":[1,0,0,0],"createdNs":0},{"id":"a","p_world_m":[0,0,0],"q_world_anchor":[1,0,0,0],"createdNs":0}]}';
    expect(() => parseAnchors('a.json', dup)).toThrow('anchors file a.json: anchor id "a" appears twice');
    await expect(saveAnchorsWork({ file: join(dir, 'no-such-dir', 'x.json'), store: EMPTY_ANCHOR_STORE })).rejects.toThrow(`anchors file ${join(dir, 'no-such-dir', 'x.json')}: cannot write:`);
  });
});

describe('stepAnchors (layer adapter)', () => {
  const view = createViewCamera(CAM0, 752, 480);
  const frame = (tNs: number, deviceId = 'cam0'): CameraFrameEvent => ({
    deviceId,
    role: 'tracking',
    tNs,
    frame: { seq: 0, widthPx: 752, heightPx: 480, format: 'GRAY8', data: new Uint8Array(0) } as unknown as CameraFrameEvent['frame'],
  });

  test('one anchors.updated per tracking frame; pixel from the VIO pose; a save request per change', () => {
    // An anchor 2 m in front of cam0 with the body at the origin.
    const T_world_camera = view.T_body_camera;
    const p = transformPoint(T_world_camera, [0.1, -0.05, 2]);
    const vio: PoseEvent = { tNs: 10, source: 'vio', q_world_body: [1, 0, 0, 0], p_world_body_m: [0, 0, 0] };
    const out = stepAnchors(initialAnchors(EMPTY_ANCHOR_STORE), [frame(20), frame(21, 'cam1')], [vio, { tNs: 15, source: 'ahrs', q_world_body: [0, 1, 0, 0] }], [{ kind: 'create', spec: { p_world_m: p } }], 20, { view, file: '/tmp/x.json' });
    expect(out.updates).toHaveLength(1);
    const a = out.updates[0]?.anchors[0];
    expect(a?.id).toBe('anchor-1');
    a?.p_view_m?.forEach((v, k) => expect(v).toBeCloseTo([0.1, -0.05, 2][k] as number, 9));
    const px = projectPoint(CAM0, [0.1, -0.05, 2]) ?? [0, 0];
    expect(a?.pixel?.[0]).toBeCloseTo(px[0], 9);
    expect(out.requests.map((r) => r.kind)).toEqual([ANCHORS_SAVE_WORK]);
    // Nothing changed: no save; a bad command is rejected, not thrown.
    const again = stepAnchors(out.state, [frame(70)], [], [{ kind: 'remove', id: 'anchor-9' }], 70, { view, file: '/tmp/x.json' });
    expect(again.requests).toEqual([]);
    expect(again.rejected.map((r) => r.reason)).toEqual(['no anchor "anchor-9"']);
  });

  test('without a 6-DoF pose anchors carry only their world pose', () => {
    const store = createAnchor(EMPTY_ANCHOR_STORE, { p_world_m: [1, 0, 0] }, 0).store;
    const out = stepAnchors(initialAnchors(store), [frame(1)], [{ tNs: 1, source: 'ahrs', q_world_body: [1, 0, 0, 0] }], [], 1, { view });
    expect(out.updates[0]?.anchors[0]).toEqual({ id: 'anchor-1', p_world_m: [1, 0, 0], q_world_anchor: [1, 0, 0, 0] });
  });

  test('an equidistant tracking camera is refused at set-up', () => {
    expect(() => createViewCamera({ ...CAM0, distortionModel: 'equidistant' }, 752, 480)).toThrow('anchors: tracking camera distortion model "equidistant" is not supported');
  });
});
