/**
 * End to end: the built `karana run` CLI replays the bundled sample session in real time with its HUD on an
 * ephemeral port; Chromium (playwright-core) opens the HUD during the run and sees camera frames, YOLOX
 * detection boxes and the attitude indicator change; a screenshot is kept as a test artifact
 * (`test-results/hud-run.png`). Needs `npm run build` first (the test command does it) and Chromium.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.js';
import { launchChromium } from '../helpers/chromium.js';

const ROOT = packageRoot();
const CLI = join(ROOT, 'dist/src/cli/main.js');
const SCREENSHOT = join(ROOT, 'test-results/hud-run.png');

interface Hooks {
  connected: boolean;
  framesDrawn: number;
  lastFrameSeq: number | null;
  boxesDrawn: number;
  attitude: { rollDeg: number; pitchDeg: number; yawDeg: number } | null;
}

/** Starts `karana run --port 0` and resolves with the HUD URL it prints. */
function startRun(): { child: ChildProcess; url: Promise<string>; exit: Promise<number | null>; output: () => string } {
  if (!existsSync(CLI)) throw new Error(`${CLI} not found: run \`npm run build\` first`);
  const child = spawn(process.execPath, [CLI, 'run', '--port', '0', '--report', join(ROOT, 'test-results/hud-run-report.json')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const url = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      text += chunk.toString();
      const m = /HUD at (http:\/\/\S+)/.exec(text);
      if (m?.[1] !== undefined) resolve(m[1]);
    };
    child.stderr?.on('data', onData);
    child.stdout?.on('data', (c: Buffer) => (text += c.toString()));
    child.once('exit', (code) => reject(new Error(`karana run exited (${code}) before serving the HUD:\n${text}`)));
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, url, exit, output: () => text };
}

describe('karana run with its HUD, in Chromium', () => {
  let browser: Browser | undefined;
  let run: ReturnType<typeof startRun> | undefined;

  afterAll(async () => {
    await browser?.close();
    run?.child.kill('SIGTERM');
  });

  it('shows frames, detection boxes and a changing attitude during the run, then the run ends cleanly', async () => {
    browser = await launchChromium();
    run = startRun();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(await run.url);
    const hooks = (): Promise<Hooks> => page.evaluate(() => (globalThis as unknown as { __hud: Hooks }).__hud);
    await page.waitForFunction(() => (globalThis as unknown as { __hud?: Hooks }).__hud?.framesDrawn !== undefined && (globalThis as unknown as { __hud: Hooks }).__hud.framesDrawn >= 3, undefined, { timeout: 8000 });
    const first = await hooks();
    await page.waitForFunction(() => (globalThis as unknown as { __hud: Hooks }).__hud.boxesDrawn > 0, undefined, { timeout: 8000 });
    await page.waitForTimeout(1500);
    const later = await hooks();
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });

    expect(later.framesDrawn).toBeGreaterThan(first.framesDrawn);
    expect(later.lastFrameSeq).not.toBe(first.lastFrameSeq);
    expect(later.boxesDrawn).toBeGreaterThan(0);
    expect(first.attitude).not.toBeNull();
    expect(later.attitude).not.toEqual(first.attitude);
    expect(errors).toEqual([]);
    expect(await run.exit).toBe(0);
    expect(run.output()).toContain('── Kāraṇa Edge run: sample ──');
  }, 40_000);
});
