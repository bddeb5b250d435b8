/**
 * Tracking accuracy against annotated frames: the CLEAR MOT counts (Bernardin & Stiefelhagen, "Evaluating
 * Multiple Object Tracking Performance: The CLEAR MOT Metrics", EURASIP JIVP 2008, §2.1) — matches,
 * misses (FN), false positives (FP), identity switches (IDSW), MOTA = 1 − (FN + FP + IDSW) / GT — and
 * IDF1 (Ristani et al., "Performance Measures and a Data Set for Multi-Target, Multi-Camera Tracking",
 * ECCVW 2016, §4: one global one-to-one matching of ground-truth to hypothesis identities).
 *
 * Per frame, as in the paper and py-motmetrics: a ground-truth object keeps last frame's hypothesis if
 * they still overlap (IoU ≥ `minIou`); the rest are matched by minimum 1 − IoU (Hungarian). An IDSW is a
 * match whose hypothesis differs from the one that object was last matched to.
 */
import { matchWithLimit } from './assignment.js';
import { iou } from './box-kalman.js';

export interface AnnotatedBox {
  readonly id: string | number;
  readonly boxPx: readonly number[];
}

/** One evaluated frame: annotated objects and the tracker's output on it. */
export interface EvalFrame {
  readonly frame: number;
  readonly truth: readonly AnnotatedBox[];
  readonly hypotheses: readonly AnnotatedBox[];
}

export interface ClearMotResult {
  readonly frames: number;
  readonly gt: number;
  readonly matches: number;
  readonly fn: number;
  readonly fp: number;
  readonly idsw: number;
  /** 1 − (FN + FP + IDSW) / GT. */
  readonly mota: number;
  /** Mean IoU of the matches (the paper's MOTP as an overlap). */
  readonly motpIou: number;
  /** 2·IDTP / (GT + hypotheses). */
  readonly idf1: number;
  /** Where each switch happened: frame, ground-truth id, previous and new hypothesis id. */
  readonly switches: readonly { frame: number; truth: string; from: string; to: string }[];
}

/**
 * CLEAR MOT and IDF1 over frames in order.
 * @throws RangeError when `minIou` is not in (0, 1].
 */
export function evaluateClearMot(frames: readonly EvalFrame[], minIou = 0.5): ClearMotResult {
  if (!(minIou > 0 && minIou <= 1)) throw new RangeError(`"minIou" must be in (0, 1], got ${minIou}`);
  const last = new Map<string, string>();
  const switches: { frame: number; truth: string; from: string; to: string }[] = [];
  let gt = 0;
  let hyps = 0;
  let matches = 0;
  let fp = 0;
  let iouSum = 0;
  const pairFrames = new Map<string, Map<string, number>>();
  let prev = new Map<string, string>();
  for (const fr of frames) {
    gt += fr.truth.length;
    hyps += fr.hypotheses.length;
    const now = new Map<string, string>();
    const usedT = new Set<number>();
    const usedH = new Set<number>();
    const record = (ti: number, hi: number): void => {
      const t = fr.truth[ti] as AnnotatedBox;
      const h = fr.hypotheses[hi] as AnnotatedBox;
      const tid = String(t.id);
      const hid = String(h.id);
      usedT.add(ti);
      usedH.add(hi);
      now.set(tid, hid);
      matches += 1;
      iouSum += iou(t.boxPx, h.boxPx);
      const before = last.get(tid);
      if (before !== undefined && before !== hid) switches.push({ frame: fr.frame, truth: tid, from: before, to: hid });
      last.set(tid, hid);
    };
    // keep last frame's correspondences that still hold
    fr.truth.forEach((t, ti) => {
      const hid = prev.get(String(t.id));
      const hi = fr.hypotheses.findIndex((h) => String(h.id) === hid);
      if (hi >= 0 && !usedH.has(hi) && iou(t.boxPx, (fr.hypotheses[hi] as AnnotatedBox).boxPx) >= minIou) record(ti, hi);
    });
    const ts = fr.truth.map((_, i) => i).filter((i) => !usedT.has(i));
    const hs = fr.hypotheses.map((_, i) => i).filter((i) => !usedH.has(i));
    const cost = new Float64Array(ts.length * hs.length);
    ts.forEach((ti, a) => hs.forEach((hi, b) => (cost[a * hs.length + b] = 1 - iou((fr.truth[ti] as AnnotatedBox).boxPx, (fr.hypotheses[hi] as AnnotatedBox).boxPx))));
    for (const [a, b] of matchWithLimit(cost, ts.length, hs.length, 1 - minIou).matches) record(ts[a] as number, hs[b] as number);
    fp += fr.hypotheses.length - usedH.size;
    prev = now;
    // IDF1 counts: frames where a (truth, hypothesis) pair overlaps
    for (const t of fr.truth) {
      for (const h of fr.hypotheses) {
        if (iou(t.boxPx, h.boxPx) < minIou) continue;
        const row = pairFrames.get(String(t.id)) ?? new Map<string, number>();
        row.set(String(h.id), (row.get(String(h.id)) ?? 0) + 1);
        pairFrames.set(String(t.id), row);
      }
    }
  }
  const fn = gt - matches;
  return {
    frames: frames.length,
    gt,
    matches,
    fn,
    fp,
    idsw: switches.length,
    mota: gt === 0 ? 0 : 1 - (fn + fp + switches.length) / gt,
    motpIou: matches === 0 ? 0 : iouSum / matches,
    idf1: gt + hyps === 0 ? 0 : (2 * idTruePositives(pairFrames)) / (gt + hyps),
    switches,
  };
}

/** IDTP: the largest total of overlapping frames over one-to-one truth ↔ hypothesis identity pairs. */
function idTruePositives(pairFrames: Map<string, Map<string, number>>): number {
  const tids = [...pairFrames.keys()];
  const hids = [...new Set(tids.flatMap((t) => [...(pairFrames.get(t) as Map<string, number>).keys()]))];
  if (tids.length === 0 || hids.length === 0) return 0;
  const cost = new Float64Array(tids.length * hids.length);
  tids.forEach((t, i) => hids.forEach((h, j) => (cost[i * hids.length + j] = -((pairFrames.get(t) as Map<string, number>).get(h) ?? 0))));
  const { matches } = matchWithLimit(cost, tids.length, hids.length, 0);
  return matches.reduce((acc, [i, j]) => acc - (cost[i * hids.length + j] as number), 0);
}
