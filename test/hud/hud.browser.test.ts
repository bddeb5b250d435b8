/**
 * The HUD page in a real browser (Chromium through playwright-core): a publisher replays real sample
 * frames at 10 Hz with scenes whose attitude changes and which carry a fixed detection box on the person
 * (frames 8.0–9.9 s of the sample world camera); the test waits on the page's hooks (`window.__hud`),
 * checks the canvas is not blank and the box is where it should be, saves a screenshot to
 * `test-results/hud-page.png`, and checks the page reconnects when the server comes back.
 *
 * Needs Chromium at /usr/bin/chromium (or `CHROMIUM_PATH`): `sh setup.sh --system` or
 * `apt-get install -y chromium`. Without it the test fails (it does not skip).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bus } from '../../src/bus/bus.js';
import { HudServer } from '../../src/hud/server.js';
import { packageRoot } from '../../src/paths.js';
import { launchChromium } from '../helpers/chromium.js';
import { decodeWorldFrames, fakeStats, frameEvent, halFrame, hostBus, sceneFor, worldJpegNames, type RawImage } from './helpers.js';

/** A box around the person standing by the table in frames 8.0–9.9 s (768×432 source pixels). */
const PERSON_BOX = [388, 2, 556, 388] as const;
const SCREENSHOT = join(packageRoot(), 'test-results/hud-page.png');

/** What the page exposes as `window.__hud` (the fields this test reads). */
interface HudHooks {
  connected: boolean;
  framesDrawn: number;
  lastFrameSeq: number | null;
  boxesDrawn: number;
  lastBoxes: Array<{ label: string; boxPx: number[] }>;
  detectionLagFrames: number | null;
  attitude: { rollDeg: number; pitchDeg: number; yawDeg: number } | null;
  scenes: number;
  stats: unknown;
  decodeErrors: number;
}

/** Frames between a frame and the detections the publisher's scenes carry (a detector lags the camera). */
const DETECTOR_LAG_FRAMES = 3;

/**
 * Replays `images` as camera frames + scenes at `hz` on `bus`, numbering frames from 101; each scene
 * carries the person box as detections of the frame `lagFrames` before (≤ 100: the detector's first
 * results are for frames before this replay started).
 */
function startPublisher(bus: Bus, images: readonly RawImage[], hz: number, lagFrames: number): { stop: () => void } {
  let seq = 100;
  const timer = setInterval(() => {
    seq += 1;
    bus.publish('camera.frame', frameEvent(halFrame(images[seq % images.length] as RawImage, seq)));
    bus.publish('ui.hud', sceneFor(seq, PERSON_BOX, seq - lagFrames));
  }, 1000 / hz);
  return { stop: () => clearInterval(timer) };
}

/** Figures of the world canvas computed in the page. */
interface CanvasFigures {
  width: number;
  height: number;
  /** Mean and standard deviation of (R+G+B)/3 over the canvas, 0–255. */
  mean: number;
  std: number;
  /** RGB of the pixel on the box's left edge at y = 200. */
  edge: number[];
}

const hooks = (page: Page): Promise<HudHooks> =>
  page.evaluate(() => (globalThis as unknown as { __hud: HudHooks }).__hud);

describe('HUD page in Chromium', () => {
  let browser: Browser;
  let bus: Bus;
  let server: HudServer;
  let publisher: { stop: () => void };
  let images: RawImage[];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    images = await decodeWorldFrames(worldJpegNames().slice(80, 100));
    bus = hostBus();
    let t = 0;
    server = await HudServer.start({ bus, port: 0, stats: () => fakeStats((t += 0.5e9)) });
    publisher = startPublisher(bus, images, 10, DETECTOR_LAG_FRAMES);
    browser = await launchChromium();
  });

  afterAll(async () => {
    publisher?.stop();
    await browser?.close();
    await server?.close();
    bus?.close();
  });

  it('draws frames, detection boxes and a changing attitude; the canvas is not blank', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(server.url);
    await page.waitForFunction(
      () => {
        const h = (globalThis as unknown as { __hud?: HudHooks }).__hud;
        return h !== undefined && h.connected && h.framesDrawn >= 5 && h.boxesDrawn > 0 && h.attitude !== null && h.stats !== null;
      },
      undefined,
      { timeout: 10_000 },
    );
    const first = await hooks(page);
    await page.waitForFunction(
      (before) => {
        const a = (globalThis as unknown as { __hud: HudHooks }).__hud.attitude;
        return a !== null && (a.rollDeg !== before.rollDeg || a.pitchDeg !== before.pitchDeg);
      },
      first.attitude as NonNullable<HudHooks['attitude']>,
      { timeout: 5000 },
    );
    const now = await hooks(page);
    expect(now.lastBoxes[0]).toMatchObject({ label: 'person', boxPx: [...PERSON_BOX] });
    expect(now.lastFrameSeq).toBeGreaterThan(0);
    // Frame F and the scene carrying detections of F − 3 are published together; the scene gets there
    // first (no encoding), so the page may still show F − 1 or older when it draws the boxes.
    expect(now.detectionLagFrames).toBeGreaterThanOrEqual(0);
    expect(now.detectionLagFrames).toBeLessThanOrEqual(DETECTOR_LAG_FRAMES);
    expect(now.decodeErrors).toBe(0);
    expect(await page.getAttribute('#hud', 'data-connected')).toBe('true');
    expect(Number(await page.getAttribute('#hud', 'data-frames-drawn'))).toBeGreaterThanOrEqual(5);
    expect(await page.textContent('#profile')).toBe('balanced');
    expect(await page.textContent('#session')).toBe('sample');

    // The canvas has the source size and a picture (not one flat colour); the box's left edge is drawn
    // in the class colour (#4dd0e1) where the box says.
    const canvas = await page.evaluate<CanvasFigures>(`(() => {
      const c = document.getElementById('world');
      const ctx = c.getContext('2d');
      const px = ctx.getImageData(0, 0, c.width, c.height).data;
      let sum = 0, sum2 = 0;
      for (let i = 0; i < px.length; i += 4) { const y = (px[i] + px[i + 1] + px[i + 2]) / 3; sum += y; sum2 += y * y; }
      const n = px.length / 4, mean = sum / n;
      const edge = Array.from(ctx.getImageData(${PERSON_BOX[0]}, 200, 1, 1).data.slice(0, 3));
      return { width: c.width, height: c.height, mean, std: Math.sqrt(sum2 / n - mean * mean), edge };
    })()`);
    expect([canvas.width, canvas.height]).toEqual([768, 432]);
    expect(canvas.std).toBeGreaterThan(20);
    expect(canvas.mean).toBeGreaterThan(20);
    const [r, g, b] = canvas.edge as [number, number, number];
    expect(Math.abs(r - 0x4d) + Math.abs(g - 0xd0) + Math.abs(b - 0xe1)).toBeLessThan(40);

    mkdirSync(join(packageRoot(), 'test-results'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    const shot = await sharp(SCREENSHOT).stats();
    expect(Math.max(...shot.channels.map((c) => c.stdev))).toBeGreaterThan(20);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 30_000);

  it('draws boxes only when their frame is within ?maxLag frames of the frame shown', async () => {
    const farBus = hostBus();
    const far = await HudServer.start({ bus: farBus, port: 0, stats: () => fakeStats() });
    const farPublisher = startPublisher(farBus, images, 10, 20); // detections 20 frames behind the camera
    try {
      const strict = await browser.newPage();
      const loose = await browser.newPage();
      for (const p of [strict, loose]) p.on('pageerror', (e) => pageErrors.push(e.message));
      await strict.goto(new URL('?maxLag=10', far.url).href);
      await loose.goto(new URL('?maxLag=30', far.url).href);
      const drawn = (n: number): boolean => (globalThis as unknown as { __hud: HudHooks }).__hud.framesDrawn >= n;
      await Promise.all([strict.waitForFunction(drawn, 12), loose.waitForFunction(drawn, 12)]);
      expect((await hooks(strict)).boxesDrawn).toBe(0);
      expect(await strict.textContent('#frame-caption')).toContain('no detections for this frame');
      const looseHooks = await hooks(loose);
      expect(looseHooks.boxesDrawn).toBeGreaterThan(0);
      expect(looseHooks.detectionLagFrames).toBeGreaterThan(10);
      await Promise.all([strict.close(), loose.close()]);
    } finally {
      farPublisher.stop();
      await far.close();
      farBus.close();
    }
  }, 30_000);

  it('reconnects when the server goes away and comes back on the same port', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(server.url);
    await page.waitForFunction(() => (globalThis as unknown as { __hud: HudHooks }).__hud.framesDrawn >= 2);
    const port = Number(new URL(server.url).port);
    await server.close();
    await page.waitForFunction(() => !(globalThis as unknown as { __hud: HudHooks }).__hud.connected);
    expect(await page.textContent('#conn')).toBe('reconnecting…');
    const before = (await hooks(page)).framesDrawn;
    server = await HudServer.start({ bus, port, stats: () => fakeStats() });
    await page.waitForFunction(
      (n) => {
        const h = (globalThis as unknown as { __hud: HudHooks }).__hud;
        return h.connected && h.framesDrawn > n + 2;
      },
      before,
      { timeout: 10_000 },
    );
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 30_000);
});
