/**
 * Foxglove Studio (1.48, the real app from npm) as the live view of a running runtime: the bundled sample session
 * through the runtime on the real clock with the Foxglove bridge, Studio served by `startStudioHost`, opened in
 * Debian Chromium (headless, 1600×900). Checks that Studio connects to our server and subscribes to the layout's
 * channels, that the bridge sends it their messages, and that its Image, 3D and Plot panels paint something
 * other than a blank panel; saves `test-results/live-view.png` (with KARANA_UPDATE_SCREENSHOTS=1 also
 * `docs/img/live-view.png`, the README's live-view screenshot).
 */
import { copyFile, mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSession, type Session } from '../../hal/session/index.js';
import { startFoxgloveBridge, type FoxgloveBridgeHandle } from '../../src/foxglove/server.js';
import { findStudioFiles, layoutTopicsFor, startStudioHost, StudioNotInstalledError, type StudioHostHandle } from '../../src/foxglove/studio/index.js';
import { madgwickFilter } from '../../src/layers/intelligence/madgwick-filter.js';
import { YoloxDetector } from '../../src/layers/intelligence/yolox-detector.js';
import { sampleSessionPath } from '../../src/paths.js';
import { scriptFromFlags } from '../../src/runtime/anchor-script.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { metronomeTimer } from '../../src/tick/metronome-timer.js';
import { ROOT } from '../hal/data.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../helpers/chromium.js';
import { poll } from './helpers.js';

const SHOT = join(ROOT, 'test-results/live-view.png');
const DOCS_SHOT = join(ROOT, 'docs/img/live-view.png');
/** Runtime seconds at which the screenshot is taken (the VIO runs from ≈ 2 s; the session lasts 10 s). */
const SHOT_AT_S = 7.5;
const SPEED = 0.5;

let session: Session;
let detector: YoloxDetector;
let runtime: Runtime;
let running: Promise<unknown>;
let bridge: FoxgloveBridgeHandle;
let studio: StudioHostHandle;
let browser: Browser;
let page: Page;
/** The 3D panel 1 s of runtime before the screenshot, and at it (PNG). */
let threeDBefore: Buffer;
let threeDAfter: Buffer;
/** The same figures for the panels before any data. */
const blank = { image: 0, threeD: 0 };
const consoleErrors: string[] = [];
let bridgeUp = false;

beforeAll(async () => {
  session = await loadSession(sampleSessionPath());
  detector = await YoloxDetector.load();
  const devices = session.devices.map((d) => d.device.info);
  // Studio loads first (≈ 80 MB of JavaScript), pointed at the bridge's port before the bridge exists: the
  // runtime's real clock starts when the runtime is made, so it is made once Studio is up; Studio retries the
  // connection every 3 s.
  const port = await freePort();
  studio = await startStudioHost({ port: 0, foxgloveUrl: `ws://127.0.0.1:${port}`, topics: layoutTopicsFor(devices) });
  // SwiftShader for WebGL (Studio's 3D panel) in headless Chromium without a GPU.
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--enable-unsafe-swiftshader', '--use-angle=swiftshader'] });
  page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  page.on('console', (m) => {
    // Before the bridge exists, Studio's connection attempts fail (a WebSocket error and a player problem).
    if (m.type() === 'error' && bridgeUp) consoleErrors.push(`${m.text()} (${m.location().url}:${m.location().lineNumber})`);
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  page.on('requestfailed', (r) => consoleErrors.push(`request failed ${r.url()}`));
  page.on('response', (r) => {
    if (r.status() >= 400) consoleErrors.push(`HTTP ${r.status()} ${r.url()}`);
  });
  const loadStart = performance.now();
  await page.goto(studio.url);
  await page.getByText('Waiting for images').first().waitFor({ timeout: 60_000 });
  console.log(`Studio loaded and its panels mounted in ${((performance.now() - loadStart) / 1000).toFixed(1)} s`);
  // Peers: the panels without data (the Image panel waiting, the 3D panel's grid alone, 1 s apart).
  blank.image = await spread(await panel('ImageViewPanel!karana-camera').screenshot());
  const still = await panel('3D!karana-pose').screenshot();
  await new Promise((r) => setTimeout(r, 1000));
  blank.threeD = await changedShare(still, await panel('3D!karana-pose').screenshot());
  runtime = new Runtime({ session, speed: SPEED, tickHz: 1000, timer: metronomeTimer(), filter: madgwickFilter(), detector, anchors: { script: scriptFromFlags(['0.5,0.2,1@5']) } });
  bridge = await startFoxgloveBridge({ bus: runtime.bus, port, devices });
  bridgeUp = true;
  // Run at once, as `karana run --foxglove` does; Studio connects on its next retry and shows the run from then on.
  running = runtime.run();
  try {
    await poll('Studio subscribed to the camera', () => subscribed().includes('/camera/world/compressed'), 20_000);
  } catch (err) {
    await page.screenshot({ path: join(ROOT, 'test-results/live-view-failed.png') });
    console.log(consoleErrors.slice(0, 30).join('\n'));
    throw err;
  }
  console.log(`Studio subscribed at ${(runtime.loop.timeNs / 1e9).toFixed(2)} s of runtime`);
  await poll(`runtime at ${SHOT_AT_S - 1} s`, () => runtime.loop.timeNs >= (SHOT_AT_S - 1) * 1e9, 60_000);
  threeDBefore = await panel('3D!karana-pose').screenshot();
  await poll(`runtime at ${SHOT_AT_S} s`, () => runtime.loop.timeNs >= SHOT_AT_S * 1e9, 60_000);
  threeDAfter = await panel('3D!karana-pose').screenshot();
  await mkdir(join(ROOT, 'test-results'), { recursive: true });
  await page.screenshot({ path: SHOT });
  if (process.env.KARANA_UPDATE_SCREENSHOTS === '1') await copyFile(SHOT, DOCS_SHOT);
}, 180_000);

afterAll(async () => {
  runtime?.stop();
  await running?.catch(() => undefined);
  await browser?.close();
  await studio?.close();
  await bridge?.close();
  await detector?.close();
  await session?.close();
});

/** A panel of the layout by its id (Studio's `data-testid`). */
const panel = (id: string): Locator => page.getByTestId(`panel-mouseenter-container ${id}`);
const subscribed = (): string[] => bridge.stats().channels.filter((c) => c.subscribed).map((c) => c.topic);

describe('Foxglove Studio as the live view', () => {
  it('connects to our server and lists every channel it advertises, with its schema', async () => {
    // The app bar names the connection: the bridge's URL and its server name.
    const appBar = (await page.locator('header').first().innerText()).replace(/\s+/g, '');
    expect(appBar).toContain(`${bridge.url}karana-edge`);
    await page.getByLabel('Show left sidebar').click();
    await page.getByRole('tab', { name: 'Topics' }).click();
    const text = await page.locator('body').innerText();
    const channels = bridge.stats().channels;
    expect(channels.length).toBeGreaterThan(20);
    expect(channels.filter((c) => !text.includes(c.topic) || !text.includes(c.schemaName)).map((c) => c.topic)).toEqual([]);
  });

  it('logs no error once the bridge is up, and throws none at all', () => {
    expect(consoleErrors).toEqual([]);
  });

  it("subscribes to the layout's channels, and the bridge sends it their messages", () => {
    const mine = bridge.stats().channels.filter((c) => c.subscribed);
    expect(mine.map((c) => c.topic).sort()).toEqual(['/anchors', '/camera/world/compressed', '/imu/imu0', '/log', '/objects/tracked', '/pose/vio', '/tf']);
    for (const c of mine) expect([c.topic, c.messages > 0]).toEqual([c.topic, true]);
    console.log(`to Studio by ${SHOT_AT_S} s of runtime (×${SPEED}): ${mine.map((c) => `${c.topic} ${c.messages} msgs ${(c.bytes / 1e3).toFixed(0)} kB, ${c.dropped} dropped`).join('; ')}`);
  });

  it('paints the camera with boxes, the 3D scene and the plots; the log shows the runtime log', async () => {
    expect(await panel('ImageViewPanel!karana-camera').innerText()).not.toContain('Waiting for images');
    const image = await spread(await panel('ImageViewPanel!karana-camera').screenshot());
    // The 3D view follows the VIO body: 1 s of runtime apart, the grid and the frames have moved.
    const moved = await changedShare(threeDBefore, threeDAfter);
    console.log(`Image panel pixel spread (mean RGB stdev) ${image.toFixed(1)} (waiting for data: ${blank.image.toFixed(1)}); 3D panel: ${(100 * moved).toFixed(2)} % of pixels changed in 1 s of runtime (before data, 1 s apart: ${(100 * blank.threeD).toFixed(2)} %)`);
    expect(image).toBeGreaterThan(Math.max(40, 3 * blank.image));
    expect(moved).toBeGreaterThan(Math.max(0.005, 5 * blank.threeD));
    // Legend values of the gyro plot: the newest x, y, z rates Studio decoded from /imu/imu0, rad/s.
    const legend = (await panel('Plot!karana-gyro').innerText()).match(/-?\d+\.\d{5,}/g)?.map(Number) ?? [];
    expect(legend).toHaveLength(3);
    for (const v of legend) expect(Math.abs(v)).toBeLessThan(35);
    const log = await panel('RosOut!karana-log').innerText();
    // Logged after Studio subscribed (≤ 3 s): the anchor created at 5 s, the power profile change at 5.86 s.
    expect(log).toContain('anchor cli-1: create anchor-1 at [0.500, 0.200, 1.000]');
    expect(log).toContain('power profile full → balanced');
  });
});

describe('the Studio host', () => {
  it('serves the bundle and its chunks from one folder, nothing outside it', async () => {
    const get = (path: string): Promise<Response> => fetch(new URL(path, studio.url));
    const index = await get('/studio/index.js');
    expect([index.status, index.headers.get('content-type'), Number(index.headers.get('content-length'))]).toEqual([200, 'text/javascript; charset=utf-8', (await stat(join(ROOT, 'node_modules/@foxglove/studio-base/assets/index.js'))).size]);
    await index.body?.cancel();
    const wasm = (await readdir(join(ROOT, 'node_modules/@foxglove/studio-base/assets'))).find((f) => f.endsWith('.wasm')) ?? '';
    const chunk = await get(`/studio/${wasm}`);
    expect([chunk.status, chunk.headers.get('content-type'), chunk.headers.get('cache-control')]).toEqual([200, 'application/wasm', 'public, max-age=31536000, immutable']);
    await chunk.body?.cancel();
    for (const bad of ['/studio/..%2Fpackage.json', '/studio/%2E%2E/package.json', '/studio/src/index.js', '/vendor/react.development.js', '/nothing']) expect([bad, (await get(bad)).status]).toEqual([bad, 404]);
    const health = (await (await get('/healthz')).json()) as Record<string, unknown>;
    expect(health).toEqual({ ok: true, studioVersion: '1.48.0', foxgloveUrl: bridge.url });
  });

  it('refuses a bridge URL that is not ws:// or wss://, and names the npm command when Studio is not installed', async () => {
    await expect(startStudioHost({ port: 0, foxgloveUrl: 'http://127.0.0.1:8765' })).rejects.toThrow('"foxgloveUrl" must be a ws:// or wss:// URL, got "http://127.0.0.1:8765"');
    const empty = await mkdtemp(join(tmpdir(), 'karana-no-studio-'));
    try {
      const err = await findStudioFiles(join(empty, 'x.js')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StudioNotInstalledError);
      expect((err as Error).message).toBe("Foxglove Studio's web build is not installed: npm i -D @foxglove/studio-base@1.48.0 react@17.0.2 react-dom@17.0.2 (@foxglove/studio-base not found)");
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});

/** Mean over R, G, B of the pixel standard deviation of a PNG. */
async function spread(png: Buffer): Promise<number> {
  const { channels } = await sharp(png).stats();
  return channels.slice(0, 3).reduce((n, c) => n + c.stdev, 0) / 3;
}

/** Share of pixels whose R + G + B differ by more than 30 between two PNGs of the same size. */
async function changedShare(before: Buffer, after: Buffer): Promise<number> {
  const a = await sharp(before).removeAlpha().raw().toBuffer();
  const b = await sharp(after).removeAlpha().raw().toBuffer();
  let changed = 0;
  for (let i = 0; i + 2 < Math.min(a.length, b.length); i += 3) {
    if (Math.abs((a[i] ?? 0) - (b[i] ?? 0)) + Math.abs((a[i + 1] ?? 0) - (b[i + 1] ?? 0)) + Math.abs((a[i + 2] ?? 0) - (b[i + 2] ?? 0)) > 30) changed++;
  }
  return changed / (a.length / 3);
}

/** A TCP port free on 127.0.0.1 now (listen on 0, close). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
