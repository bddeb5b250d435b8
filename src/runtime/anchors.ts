/**
 * World-locked anchors in the runtime (the edge side of `src/layers/intelligence/anchors`): where the file
 * lives by default, loading it before the runtime starts, the view camera from the tracking camera's
 * calibration, and the serialised save handler. See docs/anchors.md#wiring.
 */
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import type { CameraInfo } from '../../hal/types.js';
import type { Session } from '../../hal/session/index.js';
import {
  ANCHORS_SAVE_WORK,
  AnchorFileError,
  EMPTY_ANCHOR_STORE,
  createAnchorsSaveQueue,
  createViewCamera,
  loadAnchors,
  saveAnchorsWork,
  type AnchorSettings,
  type AnchorStore,
  type AnchorsSaveQueue,
} from '../layers/intelligence/anchors/index.js';
import type { WorkHandler } from '../tick/types.js';

/**
 * The default anchors file of a session: `$XDG_STATE_HOME/karana/anchors/<name>-<8 hex of sha256(path)>.json`
 * (`~/.local/state` when `XDG_STATE_HOME` is unset or relative, as the XDG Base Directory Specification 0.8
 * says). One file per session, because anchors are positions in the world frame of the VIO, which is the first
 * body pose of the session; the state folder rather than the session's folder, because sessions are
 * recordings (the repository's sample, `../shared/data`) that a run should not write into.
 */
export function defaultAnchorsFile(sessionName: string, sessionPath: string, env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_STATE_HOME;
  const base = xdg !== undefined && isAbsolute(xdg) ? xdg : join(homedir(), '.local', 'state');
  const safe = sessionName.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 64) || 'session';
  const hash = createHash('sha256').update(sessionPath).digest('hex').slice(0, 8);
  return join(base, 'karana', 'anchors', `${safe}-${hash}.json`);
}

export interface LoadedAnchors {
  readonly store: AnchorStore;
  /** Why the file could not be used (`AnchorFileError` text); the store is then empty. */
  readonly error: string | null;
}

/**
 * The store in `file`: empty when it does not exist; empty with `error` set when it is unreadable or bad
 * (the file is left as it is — nothing writes it until an anchor changes). Never throws.
 */
export async function loadAnchorsForRun(file: string): Promise<LoadedAnchors> {
  try {
    return { store: await loadAnchors(file), error: null };
  } catch (err) {
    return { store: EMPTY_ANCHOR_STORE, error: err instanceof AnchorFileError ? err.message : `anchors file ${file}: ${String(err)}` };
  }
}

export interface AnchorsSetup {
  /** For the intelligence layer; null: anchors off (`summary` says why). */
  readonly layer: { readonly settings: AnchorSettings; readonly store: AnchorStore } | null;
  readonly handlers: Record<string, WorkHandler>;
  /** Await `idle()` before the run ends, so the last save is on disk. */
  readonly saves: AnchorsSaveQueue | null;
  readonly summary: string;
}

/**
 * Anchors for `session`: on its first GRAY8 tracking camera with a calibration (the one the VIO tracks on),
 * only when `vio` (the VIO or a tracker) runs: anchors need 6-DoF poses, taken from `poseSource`. `file`: where changes are saved (folders made on the first
 * save); none: not persisted.
 */
export function anchorsSetupFor(session: Session, vio: boolean, store: AnchorStore, file: string | undefined, poseSource: 'vio' | 'tracker' = 'vio'): AnchorsSetup {
  const off = (why: string): AnchorsSetup => ({ layer: null, handlers: {}, saves: null, summary: `anchors off: ${why}` });
  if (!vio) return off('they need a 6-DoF pose (the VIO or a tracker), and both are off');
  const cam = session.devices.map((d) => d.device.info).find((i): i is CameraInfo => i.kind === 'camera' && i.role === 'tracking' && i.format === 'GRAY8' && i.calibration !== undefined);
  if (cam?.calibration === undefined) return off('no calibrated GRAY8 tracking camera');
  let view;
  try {
    view = createViewCamera(cam.calibration, cam.widthPx, cam.heightPx);
  } catch (err) {
    return off(err instanceof Error ? err.message : String(err));
  }
  const saves = file === undefined ? null : createAnchorsSaveQueue(async (payload) => {
    await mkdir(dirname(file), { recursive: true });
    return saveAnchorsWork(payload);
  });
  const settings: AnchorSettings = { view, cameraId: cam.id, poseSource, ...(file === undefined ? {} : { file }) };
  const where = file === undefined ? 'not persisted' : `file ${file}`;
  return {
    layer: { settings, store },
    handlers: saves === null ? {} : { [ANCHORS_SAVE_WORK]: saves.handler },
    saves,
    summary: `anchors on ${cam.id}: ${store.anchors.length} loaded, ${where}`,
  };
}
