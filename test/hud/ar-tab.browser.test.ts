/**
 * An AR tab anchored in the world, in Chromium, while the runtime replays the sample session on the real
 * clock (VIO on cam0 + imu0, YOLOX on the world camera) and the head moves (EuRoC MH_01 hand-held).
 *
 * The anchor: at the first VIO pose at or after 3 s (the VIO tracks from ≈ 2 s), a point 3.4 m deep on cam0's
 * ray through pixel (540, 330) is taken in the ground-truth world (`X_gt`, from the ground-truth camera pose at that time) and
 * carried into the VIO's world frame with the two poses at that instant (`T_vio_gt = T_vio_body · T_gt_body⁻¹`),
 * created there with `anchor.command`, and a tab is attached to it with `ui.tab`. Every display frame the page
 * late-latches the newest pose and projects the anchor (`__hud.display.log`). For each frame the test checks:
 *
 * - **rendering**: the page's pixel against the projection computed here (`geometry.ts` `projectPoint`, cam0's
 *   calibration) with the very pose the page latched — the page's own error, ~0;
 * - **ground truth**: the page's pixel against `X_gt` projected with the ground-truth camera pose at the pose's
 *   time — what a wearer would see: the VIO's drift since the anchor was placed, and the prediction error.
 *
 * Screenshots: `test-results/hud-display.png`; with `KARANA_UPDATE_SCREENSHOTS=1` the detector runs too and the
 * screenshot is copied to `docs/img/hud.png` (the README's). Figures: `test-results/hud-ar-tab.json`.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { PoseEvent } from '../../src/bus/topics.js';
import { compose, inverse, projectPoint, transformPoint, type Transform } from '../../src/layers/intelligence/anchors/geometry.js';
import { cameraPose } from '../../src/layers/intelligence/anchors/view.js';
import { packageRoot } from '../../src/paths.js';
import { groundTruthPoseSource } from '../../src/runtime/ground-truth.js';
import { launchChromium } from '../helpers/chromium.js';
import { cam0View, hudRun, pointOnRay, pageHooks, quantile, type RenderEntry } from './display-helpers.js';

const ROOT = packageRoot();
const DEPTH_M = 3.4;
/** The anchor's pixel in cam0 when it is placed (right of and below the centre, clear of the card), px. */
const ANCHOR_PIXEL = [540, 330] as const;
const TAB_RGB = [0xff, 0xd5, 0x4f];
/** Refresh docs/img/hud.png: then YOLOX runs too, for the detections (heavier: two cores are shared). */
const SCREENSHOTS = process.env.KARANA_UPDATE_SCREENSHOTS === '1';
/**
 * Replay speed: the virtual clock (0), so the VIO, the prediction and the detector give the same results whatever
 * else the machine runs (on the real clock a starved VIO lags and the prediction extrapolates further); the page
 * renders at its display rate meanwhile and latches whatever pose is newest.
 */
const SPEED = 0;

describe('AR tab on the sample session, in Chromium', () => {
  let browser: Browser | undefined;
  let close: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await close?.();
    await browser?.close();
  });

  it('stays on its world point: the page draws the projection of the latched pose exactly; against the ground truth, as close as the VIO (median within 5 px)', async () => {
    browser = await launchChromium();
    const { prepared: run, start } = await hudRun({ vio: true, detect: SCREENSHOTS, speed: SPEED });
    close = run.close;
    const gt = await groundTruthPoseSource(run.session);
    const view = cam0View(run.session);
    const bus = run.runtime.bus;
    const poses = new Map<string, PoseEvent>();
    let placed: { X_gt: [number, number, number]; X_vio: [number, number, number]; tNs: number } | null = null;
    bus.observe('pose.updated').subscribe(({ payload: p }) => {
      if (p.source === 'predicted' || p.source === 'vio') poses.set(`${p.source}:${p.tNs}`, p);
      if (placed !== null || p.source !== 'vio' || p.tNs < 3e9 || p.p_world_body_m === undefined) return;
      const T_gt_body = gt.poseAt(p.tNs);
      if (T_gt_body === undefined) return;
      const T_vio_gt = compose({ q: p.q_world_body, p: p.p_world_body_m }, inverse(T_gt_body));
      const X_gt = pointOnRay(view, T_gt_body, ANCHOR_PIXEL, DEPTH_M);
      placed = { X_gt, X_vio: transformPoint(T_vio_gt, X_gt) as [number, number, number], tNs: p.tNs };
      bus.publish('anchor.command', { tNs: p.tNs, requestId: 'hud-tab', command: { kind: 'create', p_world_m: placed.X_vio, label: 'HUD tab' } });
    });
    bus.observe('anchor.result').subscribe(({ payload: r }) => {
      if (r.requestId === 'hud-tab' && r.ok) bus.publish('ui.tab', { tNs: r.tNs, id: 'tab-shelf', title: 'Shelf 3', body: `${DEPTH_M} m ahead, world-locked`, anchorId: r.anchorId });
    });
    let posted = false;
    bus.observe('ui.hud').subscribe(({ payload: s }) => {
      if (posted || s.tNs < 5e9) return;
      posted = true;
      bus.publish('ui.notify', { tNs: s.tNs, id: 'card-hello', kind: 'card', title: 'Machine hall', body: 'Inspection route, step 2 of 5: check the valve on the left.', ttlMs: 4000 });
      bus.publish('ui.notify', { tNs: s.tNs, id: 'toast-battery', kind: 'toast', title: 'Battery saver in 10 min', priority: 'high', ttlMs: 4000 });
    });

    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(run.server.url);
    await page.waitForFunction(() => (globalThis as unknown as { __hud: { display: unknown } }).__hud.display !== null, undefined, { timeout: 5000 });
    await page.evaluate((need) => ((globalThis as unknown as { __needBoxes: boolean }).__needBoxes = need), SCREENSHOTS);
    const done = start();
    await page.waitForFunction(() => {
      const hud = (globalThis as unknown as { __hud: { boxesDrawn: number; display: { last: RenderEntry | null; elements: string[] } } }).__hud;
      const h = hud.display;
      return h.elements.includes('card-hello') && h.elements.includes('toast-battery') && (h.last?.tabs.length ?? 0) > 0 && (!(globalThis as unknown as { __needBoxes: boolean }).__needBoxes || hud.boxesDrawn > 0);
    }, undefined, { timeout: 15_000 });
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-results/hud-display.png') });
    if (SCREENSHOTS) {
      mkdirSync(join(ROOT, 'docs/img'), { recursive: true });
      copyFileSync(join(ROOT, 'test-results/hud-display.png'), join(ROOT, 'docs/img/hud.png'));
    }
    // The tab is painted where the hooks say: the marker colour at its pixel in the frame on the canvas, once no
    // layout element covers it (the card and toast expire at 9 s).
    let painted: { rgb: number[]; covered: boolean } = { rgb: [], covered: true };
    for (let i = 0; i < 100 && painted.covered; i += 1) {
      // hooks and pixel read in one evaluation: the canvas still holds the frame the hooks describe
      painted = await page.evaluate(`(() => {
        const d = window.__hud.display;
        const t = d.last && d.last.tabs[0];
        if (!t) return { rgb: [], covered: true };
        const covered = d.rects.some((r) => r.id !== t.id && t.u >= r.x && t.u <= r.x + r.w && t.v >= r.y && t.v <= r.y + r.h);
        const rgb = Array.from(document.getElementById('display').getContext('2d').getImageData(Math.round(t.u), Math.round(t.v), 1, 1).data).slice(0, 3);
        return { rgb, covered };
      })()`);
      if (painted.covered) await page.waitForTimeout(100);
    }
    expect(painted.covered).toBe(false);
    painted.rgb.forEach((c, i) => expect(Math.abs(c - (TAB_RGB[i] as number))).toBeLessThanOrEqual(8));
    await done;
    await page.waitForTimeout(200);
    const hooks = await pageHooks(page);
    const log = hooks.display?.log ?? [];
    const anchor = placed as { X_gt: [number, number, number]; X_vio: [number, number, number]; tNs: number } | null;
    expect(anchor).not.toBeNull();
    if (anchor === null) return;

    const renderErr: number[] = [];
    const gtErr: number[] = [];
    const seen = new Set<string>();
    for (const e of log) {
      const tab = e.tabs.find((t) => t.id === 'tab-shelf');
      if (tab === undefined || e.poseSource === null || e.poseTNs === null) continue;
      const key = `${e.poseSource}:${e.poseTNs}`;
      const pose = poses.get(key);
      if (pose?.p_world_body_m === undefined) continue;
      const T_vio_body: Transform = { q: pose.q_world_body, p: pose.p_world_body_m };
      const mine = projectPoint(view.camera, transformPoint(inverse(cameraPose(T_vio_body, view)), anchor.X_vio));
      if (mine !== undefined) renderErr.push(Math.hypot(mine[0] - tab.u, mine[1] - tab.v));
      if (seen.has(key)) continue; // a pose drawn in several frames counts once against the ground truth
      seen.add(key);
      const T_gt_body = gt.poseAt(e.poseTNs);
      const truth = T_gt_body === undefined ? undefined : projectPoint(view.camera, transformPoint(inverse(cameraPose(T_gt_body, view)), anchor.X_gt));
      if (truth !== undefined) gtErr.push(Math.hypot(truth[0] - tab.u, truth[1] - tab.v));
    }
    // The same comparison for every pose the bus carried after the anchor was placed (not only those drawn):
    // the VIO's own poses (no prediction) and the predicted ones — where the ground-truth error comes from.
    const bySource = (source: string): number[] => {
      const out: number[] = [];
      for (const pose of poses.values()) {
        if (pose.source !== source || pose.tNs < anchor.tNs || pose.p_world_body_m === undefined) continue;
        const T_gt_body = gt.poseAt(pose.tNs);
        const a = projectPoint(view.camera, transformPoint(inverse(cameraPose({ q: pose.q_world_body, p: pose.p_world_body_m }, view)), anchor.X_vio));
        const b = T_gt_body === undefined ? undefined : projectPoint(view.camera, transformPoint(inverse(cameraPose(T_gt_body, view)), anchor.X_gt));
        if (a !== undefined && b !== undefined) out.push(Math.hypot(a[0] - b[0], a[1] - b[1]));
      }
      return out;
    };
    const stats = (v: number[]): { n: number; p50Px: number; p95Px: number; maxPx: number } => ({ n: v.length, p50Px: quantile(v, 0.5), p95Px: quantile(v, 0.95), maxPx: Math.max(...v) });
    const figures = {
      busPosesVsGroundTruth: { vio: stats(bySource('vio')), predicted: stats(bySource('predicted')) },
      anchorPlacedAtS: anchor.tNs / 1e9,
      framesWithTab: renderErr.length,
      posesCompared: gtErr.length,
      framesRendered: hooks.display?.framesRendered,
      displayHz: (hooks.display?.framesRendered ?? 0) / ((log.at(-1)?.drawMs ?? 0) - (log[0]?.drawMs ?? 0)) * 1000,
      rendering: { maxPx: Math.max(...renderErr) },
      groundTruth: { p50Px: quantile(gtErr, 0.5), p95Px: quantile(gtErr, 0.95), maxPx: Math.max(...gtErr) },
      posesByPage: log.filter((e) => e.poseSource === 'predicted').length + ' predicted / ' + log.filter((e) => e.poseSource === 'vio').length + ' vio frames',
    };
    writeFileSync(join(ROOT, 'test-results/hud-ar-tab.json'), `${JSON.stringify(figures, null, 2)}\n`);
    console.log('AR tab figures', figures);

    expect(figures.rendering.maxPx).toBeLessThan(1e-6);
    expect(errors).toEqual([]);
    expect(renderErr.length).toBeGreaterThan(40);
    expect(gtErr.length).toBeGreaterThan(20);
    // Against the ground truth the tab is as good as the tracking, no worse: the HUD adds nothing to the VIO's
    // own error (bus poses, same alignment). Median within 5 px; the p95 (≈ 6 px on this replay, from the VIO's
    // drift in the 7 s after the anchor was placed) is reported, not asserted: docs/hud.md#ar-tabs-against-ground-truth.
    expect(figures.groundTruth.p50Px).toBeLessThan(5);
    expect(figures.groundTruth.p95Px).toBeLessThanOrEqual(figures.busPosesVsGroundTruth.predicted.p95Px + 0.5);
    expect(errors).toEqual([]);
  }, 90_000);
});
