/**
 * Detections and tracks → `foxglove.ImageAnnotations` over the world camera's image; anchors →
 * `foxglove.SceneUpdate` in frame `world`.
 *
 * - `objects.detected` / `objects.tracked`: one `LINE_LOOP` of the box's four corners (source-image pixels,
 *   `[x1, y1, x2, y2]`, so they line up with that camera's RawImage/CompressedImage) and a text label
 *   (`person 0.87`, tracks `#12 person 0.87`) at its top-left corner, all stamped with the frame's capture time,
 *   which is the image message's `timestamp`: Foxglove's Image panel pairs them by it. Colours: per class
 *   (detections) or per track id (tracks), from a fixed palette.
 * - `anchors.updated`: every update first deletes all entities (`SceneEntityDeletion` type ALL), then draws each
 *   anchor as a 10 cm cube with its id as a billboard text, so removed anchors disappear.
 * Source: Foxglove schemas `ImageAnnotations`, `PointsAnnotation`, `TextAnnotation`, `SceneUpdate`
 * (docs.foxglove.dev/docs/sdk/schemas).
 */
import type { AnchorsUpdatedEvent, Detection, ObjectsDetectedEvent, ObjectsTrackedEvent } from '../bus/topics.js';
import { WORLD_FRAME } from './encode-pose.js';
import { jsonBytes, runtimeTime } from './schemas.js';

interface Rgba {
  readonly r: number;
  readonly g: number;
  readonly b: number;
  readonly a: number;
}

/** Tableau 10, 0–1. */
const PALETTE: readonly Rgba[] = [
  [78, 121, 167],
  [242, 142, 43],
  [225, 87, 89],
  [118, 183, 178],
  [89, 161, 79],
  [237, 201, 72],
  [176, 122, 161],
  [255, 157, 167],
  [156, 117, 95],
  [186, 176, 172],
].map(([r, g, b]) => ({ r: (r ?? 0) / 255, g: (g ?? 0) / 255, b: (b ?? 0) / 255, a: 1 }));

const colour = (i: number): Rgba => PALETTE[((i % PALETTE.length) + PALETTE.length) % PALETTE.length] as Rgba;
const WHITE: Rgba = { r: 1, g: 1, b: 1, a: 1 };
const TRANSPARENT: Rgba = { r: 0, g: 0, b: 0, a: 0 };

/** Box outline and label of one object. */
function annotate(timestamp: { sec: number; nsec: number }, d: Detection, text: string, c: Rgba): { points: object; text: object } {
  const [x1, y1, x2, y2] = d.boxPx;
  return {
    points: {
      timestamp,
      type: 2, // LINE_LOOP
      points: [
        { x: x1, y: y1 },
        { x: x2, y: y1 },
        { x: x2, y: y2 },
        { x: x1, y: y2 },
      ],
      outline_color: c,
      outline_colors: [],
      fill_color: TRANSPARENT,
      thickness: 2,
    },
    text: { timestamp, position: { x: x1, y: y1 }, text, font_size: 14, text_color: WHITE, background_color: { ...c, a: 0.8 } },
  };
}

function imageAnnotations(tNs: number, items: readonly { d: Detection; text: string; c: Rgba }[]): Uint8Array {
  const timestamp = runtimeTime(tNs);
  const parts = items.map((i) => annotate(timestamp, i.d, i.text, i.c));
  return jsonBytes({ timestamp, circles: [], points: parts.map((p) => p.points), texts: parts.map((p) => p.text), metadata: [] });
}

/** `foxglove.ImageAnnotations` of a frame's detections. */
export function detectionsMessage(e: ObjectsDetectedEvent): Uint8Array {
  return imageAnnotations(
    e.tNs,
    e.objects.map((d) => ({ d, text: `${d.label} ${d.score.toFixed(2)}`, c: colour(d.classId) })),
  );
}

/** `foxglove.ImageAnnotations` of a frame's tracks. */
export function tracksMessage(e: ObjectsTrackedEvent): Uint8Array {
  return imageAnnotations(
    e.tNs,
    e.tracks.map((t) => ({ d: t, text: `#${t.trackId} ${t.label} ${t.score.toFixed(2)}`, c: colour(t.trackId) })),
  );
}

/** `foxglove.SceneUpdate` of the anchors as seen in one tracking frame. */
export function anchorsMessage(e: AnchorsUpdatedEvent): Uint8Array {
  const timestamp = runtimeTime(e.tNs);
  const entities = e.anchors.map((a, i) => {
    const [px, py, pz] = a.p_world_m;
    const [qw, qx, qy, qz] = a.q_world_anchor;
    const pose = { position: { x: px, y: py, z: pz }, orientation: { x: qx, y: qy, z: qz, w: qw } };
    const c = colour(i);
    return {
      timestamp,
      frame_id: WORLD_FRAME,
      id: a.id,
      lifetime: { sec: 0, nsec: 0 },
      frame_locked: false,
      metadata: a.pixel === undefined ? [] : [{ key: 'pixel', value: `${a.pixel[0].toFixed(1)},${a.pixel[1].toFixed(1)}` }],
      arrows: [],
      cubes: [{ pose, size: { x: 0.1, y: 0.1, z: 0.1 }, color: { ...c, a: 0.8 } }],
      spheres: [],
      cylinders: [],
      lines: [],
      triangles: [],
      texts: [{ pose: { ...pose, position: { x: px, y: py, z: pz + 0.12 } }, billboard: true, font_size: 14, scale_invariant: true, color: WHITE, text: a.id }],
      models: [],
    };
  });
  return jsonBytes({ deletions: [{ timestamp, type: 1, id: '' }], entities });
}
