/**
 * Object detection + multi-object tracking under the real-time tick loop, on the person video
 * (`../shared/data/video/one-by-one-person-detection.mp4`, 768×432, 10 fps, Intel IoT DevKit, CC BY 4.0).
 *
 * Live part: the video replays as the world camera on the real clock while the loop ticks at 100 Hz
 * (metronome timer, real-time priority when the machine allows it, as `karana run`); layer 1 ingests,
 * layer 5's detection step ({@link stepDetection}) sends the newest frame to YOLOX-Nano on its worker
 * thread and runs ByteTrack on each result. Figures: capture → `objects.tracked` publication latency
 * (bus publication time − frame capture time, runtime clock) p50/p99, tracked frames per second, frames
 * skipped by the keep-newest policy, and the tick lateness p50/p99 (target p99 < 2 ms, issue 5).
 *
 * Same run, same replay: detection without tracking (`detectOnly`) and layer 1 alone (`baseline`), in
 * alternating rounds, to tell the pipeline's share of the lateness from the machine's.
 *
 * Peer, in the same run: the SORT-style tracker (IoU-only, one association; Bewley et al. 2016) against
 * ByteTrack on the 99 frames 1180–1278 with the same detections: identity switches, MOTA and IDF1 against
 * the hand-made annotations (test/fixtures/person-tracks-1180-1278.json), and tracker time per frame
 * (tinybench). The live loop is built here from the runtime's parts (bus, clock, ingest, tick loop)
 * with layer 1 and the detection step, because layer 5's entry point publishes `objects.tracked` only
 * once the wiring in docs/objects.md is applied.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VideoCamera } from '../hal/mock/video-camera.js';
import { loadSession } from '../hal/session/index.js';
import { Bus, type Emit } from '../src/bus/bus.js';
import type { CameraFrameEvent } from '../src/bus/topics.js';
import { DeviceIngest, hardwareLayer } from '../src/layers/hardware/index.js';
import { DETECT_WORK, INITIAL_DETECTION, stepDetection, type DetectionState, type DetectOutput } from '../src/layers/intelligence/detection.js';
import { byteTracker } from '../src/layers/intelligence/mot/byte-tracker.js';
import { sortTracker } from '../src/layers/intelligence/mot/sort-tracker.js';
import type { MultiObjectTracker } from '../src/layers/intelligence/mot/tracker.js';
import { readTrackAnnotations, runAndScore, type DetectedFrame } from '../src/layers/intelligence/mot/track-eval.js';
import { YoloxDetector } from '../src/layers/intelligence/yolox-detector.js';
import { ScaledClock } from '../src/tick/clock.js';
import { TickLoop } from '../src/tick/loop.js';
import { metronomeTimer } from '../src/tick/metronome-timer.js';
import { setUpRealtime } from '../src/tick/realtime.js';
import type { Layer } from '../src/tick/types.js';
import { percentile, timeTasks, type BenchOptions, type BenchResult, type BenchSuite, type Figure } from './harness.js';

const TICK_HZ = 100;
const ms = (ns: number): number => Math.round(ns / 1e4) / 100;

/** Layer 5 reduced to its detection + tracking step, publishing as the wired layer does. */
function detectionLayer(track: boolean): Layer<DetectionState> {
  return {
    name: 'intelligence',
    rateHz: TICK_HZ,
    budgetMs: 2,
    subscribes: ['camera.frame'],
    init: () => INITIAL_DETECTION,
    step: (state, inputs, ctx) => {
      const frames: CameraFrameEvent[] = [];
      for (const e of inputs.events) if (e.topic === 'camera.frame') frames.push(e.payload);
      const r = stepDetection(state, frames, inputs.results, track ? { nowNs: ctx.tNs } : {});
      const events: Emit[] = [
        ...r.detected.map((payload): Emit => ({ topic: 'objects.detected', payload })),
        ...r.tracked.map((payload): Emit => ({ topic: 'objects.tracked', payload })),
      ];
      return { state: r.state, events, requests: r.requests };
    },
  };
}

interface LiveFigures {
  /** Capture → `objects.tracked` publication, ns, per tracked frame. */
  readonly latencyNs: readonly number[];
  readonly trackedFrames: number;
  readonly framesSeen: number;
  readonly skippedFrames: number;
  readonly seconds: number;
  readonly lateness: { p50Ns: number; p99Ns: number; maxNs: number; count: number };
  readonly skippedTicks: number;
  readonly trackIds: number;
  readonly realtime: string;
  /** Layer 5's step wall time (detection scheduling + ByteTrack), host clock. */
  readonly stepP99Ns: number;
  readonly stepMaxNs: number;
}

/**
 * Replay the video on the real clock at {@link TICK_HZ} for `seconds`: with `detector` null, layer 1 alone (the
 * baseline); else detection, and tracking when `track`.
 */
async function runLive(video: string, seconds: number, detector: YoloxDetector | null, track = true): Promise<LiveFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'karana-objects-bench-'));
  const manifest = join(dir, 'session.toml');
  writeFileSync(manifest, `name = "person-video"\ndurationS = ${seconds}\n\n[[devices]]\nid = "world"\nkind = "camera"\ndriver = "video-camera"\npath = ${JSON.stringify(video)}\nrole = "world"\n`);
  const session = await loadSession(manifest);
  const realtime = setUpRealtime({ priority: 20 });
  try {
    if (session.failed.length > 0) throw new Error(`${video}: ${session.failed.map((f) => f.error.message).join('; ')}`);
    const clock = new ScaledClock(1, 100_000_000);
    const bus = new Bus({ now: () => clock.nowNs() });
    const ingest = new DeviceIngest(
      session.devices.map((d) => ({ device: d.device, toRuntimeNs: d.toSessionNs })),
      [],
      { now: () => clock.nowNs() },
    );
    const latencyNs: number[] = [];
    const ids = new Set<number>();
    let framesSeen = 0;
    bus.observe('objects.tracked').subscribe((e) => {
      latencyNs.push(e.publishedNs - e.payload.tNs);
      for (const t of e.payload.tracks) ids.add(t.trackId);
    });
    bus.observe('camera.frame').subscribe(() => (framesSeen += 1));
    const loop = new TickLoop({
      layers: detector === null ? [hardwareLayer({ tickHz: TICK_HZ })] : [hardwareLayer({ tickHz: TICK_HZ }), detectionLayer(track)],
      bus,
      clock,
      tickHz: TICK_HZ,
      edges: { hardware: ingest },
      work: detector === null ? {} : { [DETECT_WORK]: async (payload): Promise<DetectOutput> => ({ model: detector.name, objects: await detector.detect((payload as CameraFrameEvent).frame) }) },
      endNs: seconds * 1e9,
      timer: metronomeTimer(realtime.metronome),
    });
    ingest.start();
    let stats;
    try {
      stats = await loop.run();
    } finally {
      await ingest.close();
    }
    const state = detector === null ? INITIAL_DETECTION : (loop.layerState('intelligence') as DetectionState);
    const step = stats.layers.find((x) => x.name === 'intelligence')?.stepWallTime;
    const l = stats.lateness ?? { p50Ns: 0, p99Ns: 0, maxNs: 0, count: 0, meanNs: 0 };
    return { latencyNs, trackedFrames: state.trackedFrames, framesSeen, skippedFrames: state.skippedFrames, seconds, lateness: l, skippedTicks: stats.skippedTicks, trackIds: ids.size, realtime: realtime.summary, stepP99Ns: step?.p99Ns ?? 0, stepMaxNs: step?.maxNs ?? 0 };
  } finally {
    realtime.restore();
    await session.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Detections on every frame of the annotated stretch (the detector at its default threshold). */
async function detectStretch(video: string, first: number, last: number, detector: YoloxDetector): Promise<DetectedFrame[]> {
  const cam = new VideoCamera({ id: 'person-video', path: video });
  await cam.open();
  const frames: DetectedFrame[] = [];
  try {
    for (let f = await cam.read(); f !== null && f.seq <= last; f = await cam.read()) {
      if (f.seq >= first) frames.push({ frame: f.seq, tNs: Number(f.deviceTimeNs), detections: await detector.detect(f) });
    }
  } finally {
    await cam.close();
  }
  return frames;
}

/** Run a tracker over the frames (the timed work of the peer comparison); returns the number of tracks reported. */
function trackAll<S>(tracker: MultiObjectTracker<S>, frames: readonly DetectedFrame[]): number {
  let state = tracker.init();
  let n = 0;
  for (const f of frames) {
    const out = tracker.update(state, { tNs: f.tNs, detections: f.detections });
    state = out.state;
    n += out.tracks.length;
  }
  return n;
}

const suite: BenchSuite = {
  name: 'objects',
  async run(options: BenchOptions): Promise<BenchResult> {
    if (options.sharedDataDir === undefined) throw new Error('objects bench: needs ../shared/data (the person video)');
    const video = join(options.sharedDataDir, 'video/one-by-one-person-detection.mp4');
    const truth = readTrackAnnotations(join(options.rootDir, 'test/fixtures/person-tracks-1180-1278.json'));
    const first = truth.annotations[0]?.frame ?? 0;
    const last = truth.annotations.at(-1)?.frame ?? 0;
    const seconds = options.quick ? 10 : 20;
    const rounds = options.quick ? 1 : 3;
    const detector = await YoloxDetector.load();
    const figures: Record<string, Figure> = {};
    const ratios: Record<string, number> = {};
    const notes: string[] = [];
    try {
      // Pipeline and baseline alternate, so a change in the machine's load hits both alike.
      const live: LiveFigures[] = [];
      const detectOnly: LiveFigures[] = [];
      const base: LiveFigures[] = [];
      for (let i = 0; i < rounds; i += 1) {
        live.push(await runLive(video, seconds, detector));
        detectOnly.push(await runLive(video, seconds, detector, false));
        base.push(await runLive(video, seconds, null));
      }
      const inf = detector.stats().inference; // live and detect-only rounds
      const latency = live.flatMap((r) => r.latencyNs);
      const sum = (rs: LiveFigures[], f: (r: LiveFigures) => number): number => rs.reduce((a, r) => a + f(r), 0);
      const median = (xs: number[]): number => percentile(xs, 50);
      const us = (ns: number): number => Math.round(ns / 1e3);
      notes.push(`${TICK_HZ} Hz ticks: ${live[0]?.realtime ?? ''}`);
      notes.push(`${rounds} round(s) of ${seconds} s each: detection + tracking (live), detection without tracking (detectOnly), the same replay with layer 1 only (baseline); lateness p50/p99: median over rounds; max: over all rounds`);
      figures['live.latencyP50'] = { value: ms(percentile(latency, 50)), unit: 'ms' };
      figures['live.latencyP99'] = { value: ms(percentile(latency, 99)), unit: 'ms' };
      figures['live.latencyMax'] = { value: ms(percentile(latency, 100)), unit: 'ms' };
      figures['live.inferenceP50'] = { value: ms(inf.p50Ns), unit: 'ms' };
      figures['live.inferenceP99'] = { value: ms(inf.p99Ns), unit: 'ms' };
      figures['live.trackedFps'] = { value: Math.round((sum(live, (r) => r.trackedFrames) / (rounds * seconds)) * 100) / 100, unit: 'frames/s' };
      figures['live.cameraFrames'] = { value: sum(live, (r) => r.framesSeen), unit: 'frames' };
      figures['live.trackedFrames'] = { value: sum(live, (r) => r.trackedFrames), unit: 'frames' };
      figures['live.skippedFrames'] = { value: sum(live, (r) => r.skippedFrames), unit: 'frames' };
      figures['live.trackIdsPerRound'] = { value: live[0]?.trackIds ?? 0, unit: 'ids' };
      for (const [name, rs] of [['live', live], ['detectOnly', detectOnly], ['baseline', base]] as const) {
        figures[`${name}.tickLatenessP50`] = { value: us(median(rs.map((r) => r.lateness.p50Ns))), unit: 'µs' };
        figures[`${name}.tickLatenessP99`] = { value: us(median(rs.map((r) => r.lateness.p99Ns))), unit: 'µs' };
        figures[`${name}.tickLatenessP99Worst`] = { value: us(Math.max(...rs.map((r) => r.lateness.p99Ns))), unit: 'µs' };
        figures[`${name}.tickLatenessMax`] = { value: us(Math.max(...rs.map((r) => r.lateness.maxNs))), unit: 'µs' };
        figures[`${name}.skippedTicks`] = { value: sum(rs, (r) => r.skippedTicks), unit: `of ${sum(rs, (r) => r.lateness.count)}` };
      }
      figures['live.layer5StepP99'] = { value: us(median(live.map((r) => r.stepP99Ns))), unit: 'µs' };
      figures['live.layer5StepMax'] = { value: us(Math.max(...live.map((r) => r.stepMaxNs))), unit: 'µs' };
      const p99 = (rs: LiveFigures[]): number => Math.max(median(rs.map((r) => r.lateness.p99Ns)), 1);
      ratios['tick lateness p99 detection+tracking/replay only'] = p99(live) / p99(base);
      ratios['tick lateness p99 detection+tracking/detection only'] = p99(live) / p99(detectOnly);
      ratios['tracked frames / camera frames'] = sum(live, (r) => r.trackedFrames) / Math.max(sum(live, (r) => r.framesSeen), 1);
      ratios['latency p99 / inference p99'] = percentile(latency, 99) / Math.max(inf.p99Ns, 1);

      const frames = await detectStretch(video, first, last, detector);
      const score = <S>(name: string, tracker: MultiObjectTracker<S>): void => {
        const m = runAndScore(tracker, frames, truth).clearMot;
        figures[`${name}.idsw`] = { value: m.idsw, unit: 'switches' };
        figures[`${name}.mota`] = { value: Math.round(m.mota * 1000) / 1000, unit: '1' };
        figures[`${name}.idf1`] = { value: Math.round(m.idf1 * 1000) / 1000, unit: '1' };
        figures[`${name}.fn`] = { value: m.fn, unit: `of ${m.gt}` };
        figures[`${name}.fp`] = { value: m.fp, unit: 'boxes' };
      };
      score('bytetrack', byteTracker());
      score('sort', sortTracker());
      const timings = await timeTasks({ bytetrack: () => trackAll(byteTracker(), frames), sort: () => trackAll(sortTracker(), frames) }, { timeMs: options.quick ? 300 : 2000 });
      for (const t of timings) figures[`${t.name}.usPerFrame`] = { value: Math.round((t.meanNs / frames.length / 1e3) * 100) / 100, unit: 'µs' };
      const perFrame = (n: string): number => timings.find((t) => t.name === n)?.meanNs ?? Number.NaN;
      ratios['time per frame sort/bytetrack'] = perFrame('sort') / perFrame('bytetrack');
      notes.push(`tracker time: the whole ${frames.length}-frame stretch per call (tracker updates only), divided by ${frames.length}`);
    } finally {
      await detector.close();
    }
    return { name: 'objects', description: `YOLOX-Nano + ByteTrack on the person video: ${rounds} × ${seconds} s live at ${TICK_HZ} Hz ticks (and as many without); ByteTrack vs SORT on frames ${first}–${last}`, figures, ratios, notes };
  },
};

export default suite;
