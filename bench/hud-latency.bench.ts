/**
 * HUD latency in Chromium: `pose.updated` published on the bus → the display frame that latched it painted,
 * p50/p99, at a 60 Hz and a 90 Hz display; and the WebSocket bytes per second per message kind.
 *
 * Set-up (one process for the bus and the server, Chromium through playwright-core): a HUD server with the
 * laptop display profile (the sample's cam0), fed on the host clock with real data — the sample's ground-truth
 * head trajectory as `predicted` poses at 200 Hz and `vio` poses at 20 Hz, and a scene at 30 Hz with a card and
 * an AR tab (no camera frames: the page then does only what the glasses' page does). Each pose's publish time is noted (epoch ms, `performance.timeOrigin +
 * performance.now()`); the page notes, per display frame, the pose it latched and when the frame's rendering
 * update was over (a MessageChannel message posted from the frame: it runs after the paint). The page's clock
 * is put on the server's by the ping with the shortest round trip (its error is at most half that round trip,
 * reported). Latency = paint (server clock) − publish.
 *
 * 60 Hz: Chromium's own frame clock (headless: 60 Hz). 90 Hz: headless Chromium has no 90 Hz display, so it
 * runs with `--disable-frame-rate-limit --disable-gpu-vsync` (frames are produced on demand) and the page paces
 * itself at 90 Hz (`?pacing=timer`: a timer at the profile's period requests each frame).
 */
import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';
import { loadSession } from '../hal/session/index.js';
import type { CameraInfo } from '../hal/types.js';
import { Bus } from '../src/bus/bus.js';
import { defaultDisplayProfile, type DisplayProfile } from '../src/hud/display-profile.js';
import { epochMs } from '../src/hud/page-messages.js';
import { HudServer } from '../src/hud/server.js';
import type { HudMessageKind } from '../src/hud/types.js';
import { loadEurocGroundTruth } from '../hal/mock/euroc-groundtruth.js';
import { join } from 'node:path';
import type { BenchOptions, BenchResult, BenchSuite, Figure } from './harness.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const BASE_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface LatencyFigures {
  readonly refreshHz: number;
  readonly pacing: 'raf' | 'timer';
  /** Display frames measured, and their rate, Hz. */
  readonly frames: number;
  readonly displayHz: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
  /** Pose published → received by the page (the transport part), ms. */
  readonly transportMs: { readonly p50: number; readonly p99: number };
  readonly clock: { readonly offsetMs: number; readonly rttMs: number };
  readonly bytesPerS: Readonly<Record<HudMessageKind, number>>;
}

const q = (v: number[], f: number): number => {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(f * s.length) - 1))] ?? Number.NaN;
};

/** One measurement at `refreshHz` (60: rAF; otherwise the page's own pacing) for `durationMs`. */
export async function measureHudLatency(rootDir: string, refreshHz: number, durationMs: number, browser?: Browser): Promise<LatencyFigures> {
  const session = await loadSession(join(rootDir, 'hal/sessions/sample'));
  const base = defaultDisplayProfile(session.devices.map((d) => d.device.info as CameraInfo));
  await session.close();
  const profile: DisplayProfile = { ...base, refreshHz };
  const pacing = refreshHz === 60 ? 'raf' : 'timer';
  const gt = await loadEurocGroundTruth(join(rootDir, 'hal/sessions/sample/mav0/state_groundtruth_estimate0'));
  const bus = new Bus({ now: () => Number(process.hrtime.bigint()) });
  const server = await HudServer.start({ bus, port: 0, stats: () => ({ sessionName: 'latency', mode: 'real', speed: 1, progress: { tNs: 0, durationNs: null }, tick: { hz: 0, lateness: null, overruns: 0 }, bus: [], detections: null }), displayProfile: profile, sceneHz: 30 });
  const own = browser === undefined;
  const b = browser ?? (await chromium.launch({ executablePath: CHROMIUM, args: pacing === 'timer' ? [...BASE_ARGS, '--disable-frame-rate-limit', '--disable-gpu-vsync'] : BASE_ARGS }));
  const published = new Map<string, number>();
  const timers: NodeJS.Timeout[] = [];
  try {
    const page = await b.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${server.url}?pacing=${pacing}`);
    await page.waitForFunction(() => {
      const h = (globalThis as unknown as { __hud: { display: unknown; clock: { samples: number } } }).__hud;
      return h.display !== null && h.clock.samples >= 8;
    }, undefined, { timeout: 10_000 });
    // Real inputs: the ground-truth head trajectory (200 Hz rows) as poses, cam0-sized frames from the sample.
    let i = 0;
    const t0 = Number(gt.tNs[0]);
    const pose = (source: 'predicted' | 'vio'): void => {
      const k = i % gt.count;
      const tNs = Number(gt.tNs[k]) - t0 + Math.floor(i / gt.count) * 20e9;
      const payload = { tNs, source, q_world_body: Array.from(gt.q_world_body.subarray(4 * k, 4 * k + 4)) as [number, number, number, number], p_world_body_m: Array.from(gt.position.subarray(3 * k, 3 * k + 3)) as [number, number, number] };
      published.set(`${source}:${tNs}`, epochMs());
      bus.publish('pose.updated', payload);
    };
    const p0 = Array.from(gt.position.subarray(0, 3));
    const scene = { tNs: 0, layout: { elements: [{ id: 'card', kind: 'card' as const, region: 'center' as const, priority: 'normal' as const, z: 40, title: 'Latency run', body: 'poses at 200 Hz' }], hidden: [], focusId: null, queuedCards: 0 }, tabs: [{ id: 'tab', title: 'Tab', priority: 'normal' as const, z: 10, p_world_m: [p0[0] ?? 0, (p0[1] ?? 0) + 3, p0[2] ?? 0] as [number, number, number] }] };
    timers.push(setInterval(() => { i += 1; pose('predicted'); if (i % 10 === 0) pose('vio'); }, 5));
    timers.push(setInterval(() => bus.publish('ui.hud', { ...scene, tNs: i * 5e6 }), 1000 / 30));
    await page.waitForTimeout(500);
    const before = server.stats().bytesSent;
    const startMs = epochMs();
    await page.waitForTimeout(durationMs);
    const after = server.stats().bytesSent;
    const spanS = (epochMs() - startMs) / 1000;
    for (const t of timers) clearInterval(t);
    await page.waitForTimeout(100);
    const h = await page.evaluate(() => (globalThis as unknown as { __hud: { clock: { offsetMs: number; rttMs: number }; display: { log: Array<{ paintMs: number | null; drawMs: number; poseSource: string | null; poseTNs: number | null; poseRecvMs: number | null }> } } }).__hud);
    const frames = h.display.log.filter((e) => e.drawMs + h.clock.offsetMs >= startMs && e.drawMs + h.clock.offsetMs <= startMs + durationMs && e.paintMs !== null && e.poseTNs !== null);
    const lat: number[] = [];
    const transport: number[] = [];
    for (const e of frames) {
      const pub = published.get(`${e.poseSource}:${e.poseTNs}`);
      if (pub === undefined) continue;
      lat.push((e.paintMs as number) + h.clock.offsetMs - pub);
      if (e.poseRecvMs !== null) transport.push(e.poseRecvMs + h.clock.offsetMs - pub);
    }
    const bytesPerS = Object.fromEntries((Object.keys(after) as HudMessageKind[]).map((k) => [k, Math.round((after[k] - before[k]) / spanS)])) as Record<HudMessageKind, number>;
    await page.close();
    return {
      refreshHz, pacing, frames: lat.length, displayHz: frames.length / (durationMs / 1000),
      latencyMs: { p50: q(lat, 0.5), p99: q(lat, 0.99), max: Math.max(...lat) },
      transportMs: { p50: q(transport, 0.5), p99: q(transport, 0.99) },
      clock: { offsetMs: h.clock.offsetMs, rttMs: h.clock.rttMs }, bytesPerS,
    };
  } finally {
    for (const t of timers) clearInterval(t);
    if (own) await b.close();
    await server.close();
  }
}

const suite: BenchSuite = {
  name: 'hud-latency',
  async run(options: BenchOptions): Promise<BenchResult> {
    const figures: Record<string, Figure> = {};
    const notes: string[] = [];
    const durationMs = options.quick ? 3000 : 10_000;
    for (const hz of [60, 90]) {
      const r = await measureHudLatency(options.rootDir, hz, durationMs);
      figures[`${hz}Hz.latencyP50`] = { value: r.latencyMs.p50, unit: 'ms' };
      figures[`${hz}Hz.latencyP99`] = { value: r.latencyMs.p99, unit: 'ms' };
      figures[`${hz}Hz.latencyMax`] = { value: r.latencyMs.max, unit: 'ms' };
      figures[`${hz}Hz.transportP50`] = { value: r.transportMs.p50, unit: 'ms' };
      figures[`${hz}Hz.displayRate`] = { value: r.displayHz, unit: 'Hz' };
      figures[`${hz}Hz.clockRtt`] = { value: r.clock.rttMs, unit: 'ms' };
      for (const [k, v] of Object.entries(r.bytesPerS)) figures[`${hz}Hz.bytesPerS.${k}`] = { value: v, unit: 'B/s' };
      notes.push(`${hz} Hz (${r.pacing}): ${r.frames} frames, p50 ${r.latencyMs.p50.toFixed(2)} ms, p99 ${r.latencyMs.p99.toFixed(2)} ms (target p99 < 20 ms), clock error ≤ ${(r.clock.rttMs / 2).toFixed(2)} ms`);
    }
    return {
      name: 'hud-latency',
      description: 'pose.updated on the bus → display frame painted in Chromium (playwright-core), 200 Hz poses from the sample ground truth, 60 Hz (rAF) and 90 Hz (own pacing)',
      figures,
      ratios: { 'p99.90Hz/60Hz': (figures['90Hz.latencyP99']?.value ?? Number.NaN) / (figures['60Hz.latencyP99']?.value ?? Number.NaN) },
      notes,
    };
  },
};

export default suite;
