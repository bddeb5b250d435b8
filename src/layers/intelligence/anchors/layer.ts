/**
 * World-locked anchors inside layer 5's step: `anchor.command` events in (validated, resolved against the
 * newest 6-DoF pose, applied to the store by {@link stepAnchors}), `anchor.result` (one per command, in order)
 * and `anchors.updated` (one per tracking frame while an anchor exists) out, save requests for the edge, and
 * the outcome of earlier saves (a failed save is kept in the state — `saveErrors`, `lastSaveError` — for the
 * report; the store in memory stays as it is and the next change saves again).
 *
 * Pure; never throws: a bad command is answered on `anchor.result` with `ok: false` and the reason.
 */
import type { Emit } from '../../../bus/bus.js';
import type { AnchorCommandEvent, AnchorResultEvent, CameraFrameEvent, PoseEvent } from '../../../bus/topics.js';
import type { WorkRequest, WorkResult } from '../../../tick/types.js';
import { parseAnchorCommand, resolveAnchorCommand, resultEvent } from './commands.js';
import { ANCHORS_SAVE_WORK, initialAnchors, newestPose, stepAnchors, type AnchorSettings, type AnchorsState, type AnchorStoreCommand } from './step.js';
import type { AnchorStore } from './store.js';

export interface AnchorsLayerState {
  readonly anchors: AnchorsState;
  /** Saves that finished, and those that failed (with the last error: `AnchorFileError` text). */
  readonly saved: number;
  readonly saveErrors: number;
  readonly lastSaveError: string | null;
  /** Commands answered ok / rejected. */
  readonly accepted: number;
  readonly rejected: number;
  /** The VIO's newest landmarks (n × `[id, x, y, z]`, world m), for commands that cut the view ray with the scene. */
  readonly landmarks: Float64Array | null;
}

export function initialAnchorsLayer(store: AnchorStore): AnchorsLayerState {
  return { anchors: initialAnchors(store), saved: 0, saveErrors: 0, lastSaveError: null, accepted: 0, rejected: 0, landmarks: null };
}

export interface AnchorsLayerOutput {
  readonly state: AnchorsLayerState;
  readonly events: Emit[];
  readonly requests: WorkRequest[];
}

/**
 * One step. `commands`: `anchor.command` payloads as delivered (unchecked); `poses`: this step's poses (the
 * VIO runs in the same layer); `results`: the layer's work results (only {@link ANCHORS_SAVE_WORK} ones are
 * read); `nowNs`: tick time; `landmarks`: the VIO's landmarks from this step (null: none came, keep the last).
 */
export function stepAnchorsLayer(
  state: AnchorsLayerState,
  frames: readonly CameraFrameEvent[],
  poses: readonly PoseEvent[],
  commands: readonly unknown[],
  results: readonly WorkResult[],
  nowNs: number,
  settings: AnchorSettings,
  landmarks: Float64Array | null = null,
): AnchorsLayerOutput {
  const scene = landmarks ?? state.landmarks;
  const pose = newestPose(state.anchors.pose, poses, settings.poseSource ?? 'vio');
  // Each command: a result now (bad payload, cannot resolve) or a store command whose outcome gives it.
  const slots: ({ event: AnchorCommandEvent; storeIndex: number } | AnchorResultEvent)[] = [];
  const storeCommands: AnchorStoreCommand[] = [];
  for (const payload of commands) {
    const parsed = parseAnchorCommand(payload);
    if (!parsed.ok) {
      slots.push({ tNs: nowNs, requestId: parsed.requestId, kind: parsed.kind, ok: false, reason: parsed.reason });
      continue;
    }
    const resolved = resolveAnchorCommand(parsed.event.command, pose, settings.view, scene);
    if (!resolved.ok) {
      slots.push(resultEvent(nowNs, parsed.event, resolved));
      continue;
    }
    slots.push({ event: parsed.event, storeIndex: storeCommands.length });
    storeCommands.push(resolved.command);
  }
  const out = stepAnchors(state.anchors, frames, poses, storeCommands, nowNs, settings);
  const answers = slots.map((s) => ('event' in s ? resultEvent(nowNs, s.event, out.outcomes[s.storeIndex] ?? { ok: false, reason: 'not applied' }) : s));
  let { saved, saveErrors, lastSaveError } = state;
  for (const r of results) {
    if (r.kind !== ANCHORS_SAVE_WORK) continue;
    if (r.ok) saved += 1;
    else {
      saveErrors += 1;
      lastSaveError = r.error;
    }
  }
  const accepted = answers.filter((a) => a.ok).length;
  const events: Emit[] = [
    ...answers.map((payload): Emit => ({ topic: 'anchor.result', payload })),
    ...out.updates.map((payload): Emit => ({ topic: 'anchors.updated', payload })),
  ];
  return {
    state: { anchors: out.state, saved, saveErrors, lastSaveError, accepted: state.accepted + accepted, rejected: state.rejected + answers.length - accepted, landmarks: scene },
    events,
    requests: out.requests,
  };
}
