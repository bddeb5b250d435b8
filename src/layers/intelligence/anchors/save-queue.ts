/**
 * The edge side of anchor persistence: a work handler for {@link ANCHORS_SAVE_WORK} that writes one save at
 * a time, in request order. `saveAnchors` writes through one temporary file per process, so two saves in
 * flight at once (real clock: a step does not wait for the previous save) could interleave their bytes in
 * it; queued, the file always ends as the last store saved.
 */
import type { WorkHandler } from '../../../tick/types.js';
import { saveAnchorsWork } from './step.js';

export interface AnchorsSaveQueue {
  /** Register it for kind `ANCHORS_SAVE_WORK`; its promise rejects with `AnchorFileError` as `saveAnchorsWork` does. */
  readonly handler: WorkHandler;
  /** Resolves when every save handed over so far has finished (ok or not): await it before the process exits. */
  idle(): Promise<void>;
  /** Saves finished and failed so far, and the last failure (`AnchorFileError` text). */
  stats(): { readonly saved: number; readonly failed: number; readonly lastError: string | null };
}

export function createAnchorsSaveQueue(save: WorkHandler = saveAnchorsWork): AnchorsSaveQueue {
  let tail: Promise<unknown> = Promise.resolve();
  let saved = 0;
  let failed = 0;
  let lastError: string | null = null;
  return {
    handler: (payload) => {
      const run = tail.then(() => save(payload));
      tail = run.then(
        () => {
          saved += 1;
        },
        (err: unknown) => {
          failed += 1;
          lastError = err instanceof Error ? err.message : String(err);
        },
      );
      return run;
    },
    stats: () => ({ saved, failed, lastError }),
    idle: async () => {
      let seen: Promise<unknown>;
      do {
        seen = tail;
        await seen;
      } while (seen !== tail);
    },
  };
}
