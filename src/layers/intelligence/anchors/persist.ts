/**
 * Anchors persisted across runs: one JSON file, versioned, written atomically (write a temporary file
 * in the same folder, fsync it, rename it over the old one, fsync the folder: a crash leaves the old file
 * or the new one, never half of one — POSIX rename(2) atomicity).
 *
 * Format (version 1): `{ "format": "karana-anchors", "version": 1, "nextId": n, "anchors": [ { "id",
 * "p_world_m": [x, y, z], "q_world_anchor": [w, x, y, z], "createdNs", "label"? } ] }`, positions in metres
 * in the world frame of the 6-DoF tracker that placed them.
 *
 * Loading: a missing file is an empty store (first run); a file that is not JSON, not this format, or of
 * another version gives `AnchorFileError` naming the file and the field — the runtime reports it and goes
 * on without anchors (it does not overwrite the bad file until an anchor changes).
 */
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import type { AnchorStore } from './store.js';

export const ANCHOR_FILE_VERSION = 1;

export class AnchorFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`anchors file ${file}: ${message}`);
    this.name = 'AnchorFileError';
  }
}

const finite = z.number().refine(Number.isFinite, 'must be finite');
const AnchorJson = z.object({
  id: z.string().min(1),
  p_world_m: z.tuple([finite, finite, finite]),
  q_world_anchor: z.tuple([finite, finite, finite, finite]).refine((q) => Math.abs(Math.hypot(...q) - 1) < 1e-6, 'must be a unit quaternion'),
  createdNs: finite,
  label: z.string().optional(),
});
const AnchorFileJson = z.object({
  format: z.literal('karana-anchors'),
  version: z.literal(ANCHOR_FILE_VERSION),
  nextId: z.number().int().min(1),
  anchors: z.array(AnchorJson),
});

/** The file's text for `store`. */
export function serializeAnchors(store: AnchorStore): string {
  return `${JSON.stringify({ format: 'karana-anchors', version: ANCHOR_FILE_VERSION, nextId: store.nextId, anchors: store.anchors }, null, 2)}\n`;
}

/** Parses a file's text; `file` names it in errors. @throws AnchorFileError */
export function parseAnchors(file: string, text: string): AnchorStore {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new AnchorFileError(file, `not JSON: ${(err as Error).message}`);
  }
  const version = (value as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version !== ANCHOR_FILE_VERSION) {
    throw new AnchorFileError(file, `version ${version} is not supported (this runtime reads version ${ANCHOR_FILE_VERSION})`);
  }
  const parsed = AnchorFileJson.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? 'the top level' : `"${issue.path.join('.')}"`;
    throw new AnchorFileError(file, `${where}: ${issue?.message ?? 'invalid'}`);
  }
  const ids = new Set<string>();
  for (const a of parsed.data.anchors) {
    if (ids.has(a.id)) throw new AnchorFileError(file, `anchor id "${a.id}" appears twice`);
    ids.add(a.id);
  }
  return { nextId: parsed.data.nextId, anchors: parsed.data.anchors.map((a) => (a.label === undefined ? { id: a.id, p_world_m: a.p_world_m, q_world_anchor: a.q_world_anchor, createdNs: a.createdNs } : { ...a, label: a.label })) };
}

/** Loads `file`: empty store when it does not exist. @throws AnchorFileError (unreadable, bad content) */
export async function loadAnchors(file: string): Promise<AnchorStore> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { anchors: [], nextId: 1 };
    throw new AnchorFileError(file, `cannot read: ${(err as Error).message}`);
  }
  return parseAnchors(file, text);
}

/** Writes `store` to `file` atomically (see the module documentation). @throws AnchorFileError */
export async function saveAnchors(file: string, store: AnchorStore): Promise<void> {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    const handle = await open(tmp, 'w', 0o644);
    try {
      await handle.writeFile(serializeAnchors(store), 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
    const dir = await open(dirname(file), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw new AnchorFileError(file, `cannot write: ${(err as Error).message}`);
  }
}
