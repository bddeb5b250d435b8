/**
 * Runs a tracker over detected video frames and scores it against hand-made track annotations
 * (`test/fixtures/person-tracks-*.json`: per annotated frame, the persons' boxes with a persistent id).
 * Used by the MOT test (IDSW, MOTA, IDF1) and by `bench/objects.bench.ts` (the same figures beside time
 * per frame).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Detection, TrackedObject } from '../../../bus/topics.js';
import { evaluateClearMot, type ClearMotResult, type EvalFrame } from './clear-mot.js';
import type { MultiObjectTracker } from './tracker.js';

const Box = z.tuple([z.number(), z.number(), z.number(), z.number()]);
const TrackAnnotations = z.object({
  video: z.string(),
  how: z.string().min(1),
  identities: z.record(z.string(), z.string()),
  annotations: z
    .array(
      z.object({
        frame: z.number().int().nonnegative(),
        persons: z.array(z.object({ id: z.string(), boxPx: Box, truncated: z.boolean().optional(), source: z.string() })),
      }),
    )
    .min(1),
});

export type TrackAnnotations = z.infer<typeof TrackAnnotations>;

/** Read and check an annotation file. Throws naming the file and the first bad field. */
export function readTrackAnnotations(path: string): TrackAnnotations {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path}: cannot read track annotations: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = TrackAnnotations.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${path}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  for (const a of parsed.data.annotations) {
    for (const p of a.persons) if (!(p.id in parsed.data.identities)) throw new Error(`${path}: frame ${a.frame}: person id "${p.id}" is not among the identities`);
  }
  return parsed.data;
}

/** One detected frame of the video: index, capture time (ns) and every detection. */
export interface DetectedFrame {
  readonly frame: number;
  readonly tNs: number;
  readonly detections: readonly Detection[];
}

export interface TrackRun {
  readonly clearMot: ClearMotResult;
  /** Tracker wall time per frame, ns (host clock), in frame order. */
  readonly updateNs: readonly number[];
  readonly tracks: ReadonlyMap<number, readonly TrackedObject[]>;
}

/**
 * Track every frame in order (frames must be consecutive video frames covering the annotated ones) and
 * score the tracker's person tracks on the annotated frames.
 */
export function runAndScore<S>(tracker: MultiObjectTracker<S>, frames: readonly DetectedFrame[], truth: TrackAnnotations, minIou = 0.5): TrackRun {
  let state = tracker.init();
  const tracks = new Map<number, readonly TrackedObject[]>();
  const updateNs: number[] = [];
  for (const f of frames) {
    const t0 = process.hrtime.bigint();
    const out = tracker.update(state, { tNs: f.tNs, detections: f.detections });
    updateNs.push(Number(process.hrtime.bigint() - t0));
    state = out.state;
    tracks.set(f.frame, out.tracks);
  }
  const evalFrames: EvalFrame[] = truth.annotations.map((a) => {
    const hyps = tracks.get(a.frame);
    if (hyps === undefined) throw new Error(`annotated frame ${a.frame} was not tracked`);
    return {
      frame: a.frame,
      truth: a.persons.map((p) => ({ id: p.id, boxPx: p.boxPx })),
      hypotheses: hyps.filter((h) => h.label === 'person').map((h) => ({ id: h.trackId, boxPx: h.boxPx })),
    };
  });
  return { clearMot: evaluateClearMot(evalFrames, minIou), updateNs, tracks };
}
