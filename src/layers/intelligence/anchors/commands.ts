/**
 * `anchor.command` as layer 5 takes it: validated (the payload may come from an app, a script or the network,
 * so it is checked as `unknown` with zod) and resolved against the newest 6-DoF pose into a store command
 * (`AnchorStoreCommand`, `step.ts`).
 *
 * `create-at-pixel` cuts the view ray: the pixel (distorted image of the tracking camera) is undistorted with
 * the native `undistortPointsSync` (OpenCV's iteration) to normalised `(x, y)`, the point in the view frame is
 * `depthM · (x, y, 1)` (depth along the optical axis, as a depth map gives it; without `depthM`, the scene's
 * depth there from the VIO's landmarks, `scene-depth.ts`), and
 * `p_world = T_world_body · T_body_camera · p_view` (Hartley & Zisserman, 2nd ed., §6.2.2, back-projection).
 */
import { z } from 'zod';
import { undistortPointsSync } from '../../../../native/index.js';
import type { AnchorCommand, AnchorCommandEvent, AnchorResultEvent, PoseEvent } from '../../../bus/topics.js';
import { transformPoint } from './geometry.js';
import { poseEventTransform } from './pose-source.js';
import type { AnchorOutcome, AnchorStoreCommand } from './step.js';
import { sceneDepthAt } from './scene-depth.js';
import { cameraPose, type ViewCamera } from './view.js';

const finite = z.number({ error: 'must be a finite number' });
const label = z.string().max(200).optional();
const Command = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('create'), p_world_m: z.tuple([finite, finite, finite]), q_world_anchor: z.tuple([finite, finite, finite, finite]).optional(), label }),
  z.object({ kind: z.literal('create-at-pixel'), pixel: z.tuple([finite, finite]), depthM: finite.refine((d) => d > 0, 'must be > 0 m').optional(), label }),
  z.object({ kind: z.literal('remove'), id: z.string().min(1) }),
]);
const CommandEvent = z.object({ tNs: finite, requestId: z.string(), command: Command });

/** Nearest depth accepted for `create-at-pixel`, m (`viewAnchors` draws nothing nearer than 5 cm). */
export const MIN_PIXEL_DEPTH_M = 0.05;

export type ParsedCommand = { readonly ok: true; readonly event: AnchorCommandEvent } | { readonly ok: false; readonly requestId: string; readonly kind: AnchorResultEvent['kind']; readonly reason: string };

/** Checks an `anchor.command` payload; the reason names the field (`"command.pixel.0": must be a finite number`). */
export function parseAnchorCommand(payload: unknown): ParsedCommand {
  const parsed = CommandEvent.safeParse(payload);
  if (parsed.success) return { ok: true, event: parsed.data };
  const raw = payload as { requestId?: unknown; command?: { kind?: unknown } } | null;
  const requestId = typeof raw?.requestId === 'string' ? raw.requestId : '';
  const k = raw?.command?.kind;
  const kind = k === 'create' || k === 'create-at-pixel' || k === 'remove' ? k : 'unknown';
  const issue = parsed.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? 'the payload' : `"${issue.path.join('.')}"`;
  return { ok: false, requestId, kind, reason: `anchor.command ${where}: ${issue?.message ?? 'invalid'}` };
}

/**
 * The store command for `command` with the newest 6-DoF pose (`null`: none yet), the tracking camera and the
 * VIO's newest landmarks (n × `[id, x, y, z]`, world m; for `create-at-pixel` without `depthM`). Rejects
 * `create-at-pixel` without a pose, outside the image, nearer than {@link MIN_PIXEL_DEPTH_M}, or without a depth
 * when no landmark lies near the pixel.
 */
export function resolveAnchorCommand(
  command: AnchorCommand,
  pose: PoseEvent | null,
  view: ViewCamera,
  landmarks: Float64Array | null = null,
): { ok: true; command: AnchorStoreCommand } | { ok: false; reason: string } {
  if (command.kind === 'remove') return { ok: true, command };
  const withLabel = command.label === undefined ? {} : { label: command.label };
  if (command.kind === 'create') {
    return { ok: true, command: { kind: 'create', spec: { p_world_m: command.p_world_m, ...(command.q_world_anchor === undefined ? {} : { q_world_anchor: command.q_world_anchor }), ...withLabel } } };
  }
  const [u, v] = command.pixel;
  if (!(u >= 0 && u < view.widthPx && v >= 0 && v < view.heightPx)) {
    return { ok: false, reason: `pixel (${u}, ${v}) is outside the ${view.widthPx}×${view.heightPx} tracking image` };
  }
  if (command.depthM !== undefined && command.depthM < MIN_PIXEL_DEPTH_M) return { ok: false, reason: `depthM ${command.depthM} is nearer than ${MIN_PIXEL_DEPTH_M} m` };
  const T_world_body = pose === null ? undefined : poseEventTransform(pose);
  if (T_world_body === undefined) return { ok: false, reason: 'no 6-DoF pose yet (the view ray has no place in the world until the VIO tracks)' };
  const T_world_camera = cameraPose(T_world_body, view);
  let d = command.depthM;
  if (d === undefined) {
    const scene = sceneDepthAt([u, v], landmarks, T_world_camera, view);
    if (!scene.ok) return scene;
    d = scene.depthM;
  }
  const xy = new Float64Array(2);
  undistortPointsSync(view.camera, Float64Array.from([u, v]), xy);
  const p_world_m = transformPoint(T_world_camera, [d * (xy[0] as number), d * (xy[1] as number), d]);
  return { ok: true, command: { kind: 'create', spec: { p_world_m, ...withLabel } } };
}

/** The `anchor.result` for a store outcome. */
export function resultEvent(tNs: number, event: AnchorCommandEvent, outcome: AnchorOutcome | { ok: false; reason: string }): AnchorResultEvent {
  const base = { tNs, requestId: event.requestId, kind: event.command.kind };
  if (!outcome.ok) return { ...base, ok: false, reason: outcome.reason };
  return { ...base, ok: true, anchorId: outcome.anchor.id, p_world_m: outcome.anchor.p_world_m };
}
