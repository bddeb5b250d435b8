/**
 * Cards, toasts and HUD input end to end, in Chromium: the runtime replays the sample session on the real
 * clock (no VIO, no detector: layer 7 and the HUD are what is tested), the test posts `ui.notify` on its bus,
 * and reads what the display view drew (`__hud.display.elements`, `rects`) and its pixels. Keys and the mouse
 * go through the page's WebSocket to `ui.input` and back through layer 7. Screenshot:
 * `test-results/hud-layout.png`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UiNotifyEvent } from '../../src/layers/interface/scene-types.js';
import { packageRoot } from '../../src/paths.js';
import { launchChromium } from '../helpers/chromium.js';
import { displayPixel, hudRun, pageHooks, type HudRun } from './display-helpers.js';

const ROOT = packageRoot();

describe('HUD layouts and input in Chromium (sample session, real clock)', () => {
  let browser: Browser;
  let run: Omit<HudRun, 'done'>;
  let done: Promise<unknown>;
  let page: Page;
  const errors: string[] = [];
  const inputs: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    const r = await hudRun({ vio: false, loop: 4 }); // 40 s of replay: longer than the tests
    run = r.prepared;
    run.runtime.bus.observe('ui.input').subscribe(({ payload: i }) => inputs.push(i.kind === 'key' ? `key:${i.action}` : `${i.kind}:${i.targetId ?? '-'}`));
    page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(run.server.url);
    await page.waitForFunction(() => (globalThis as unknown as { __hud: { display: unknown } }).__hud.display !== null, undefined, { timeout: 5000 });
    done = r.start();
  }, 30_000);

  afterAll(async () => {
    await run.close();
    await done.catch(() => undefined);
    await browser.close();
  });

  const notify = (n: Omit<UiNotifyEvent, 'tNs'>): number => {
    const tNs = run.runtime.clock.nowNs();
    run.runtime.bus.publish('ui.notify', { tNs, ...n });
    return tNs;
  };
  const drawn = (id: string, present = true, timeout = 5000): Promise<unknown> =>
    page.waitForFunction(([i, p]) => (globalThis as unknown as { __hud: { display: { elements: string[] } } }).__hud.display.elements.includes(i) === p, [id, present] as const, { timeout });

  it('a toast appears and goes when its time is up (runtime clock), the card stays', async () => {
    notify({ id: 'card-a', kind: 'card', title: 'Route', body: 'Step 1: walk to the machine.' });
    const postedNs = notify({ id: 'toast-t', kind: 'toast', title: 'Saved', ttlMs: 1500 });
    await drawn('card-a');
    await drawn('toast-t');
    const shown = await pageHooks(page);
    const rect = shown.display?.rects.find((r) => r.id === 'card-a');
    expect(rect).toBeDefined();
    // The card's priority stripe (normal: #4dd0e1) is painted at its left edge.
    const rgb = await displayPixel(page, (rect?.x ?? 0) + 2, (rect?.y ?? 0) + (rect?.h ?? 0) / 2);
    expect(rgb).toEqual([0x4d, 0xd0, 0xe1]);
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-results/hud-layout.png') });
    await drawn('toast-t', false);
    const after = await pageHooks(page);
    expect(after.lastScene?.tNs ?? 0).toBeGreaterThanOrEqual(postedNs + 1.5e9);
    expect(after.display?.elements).toContain('card-a');
  }, 20_000);

  it('keys: → shows the next card, Escape dismisses the card shown', async () => {
    notify({ id: 'card-b', kind: 'card', title: 'Valve', body: 'Step 2: check the valve.' });
    await page.keyboard.press('ArrowRight');
    await drawn('card-b');
    expect((await pageHooks(page)).display?.elements).not.toContain('card-a');
    await page.keyboard.press('Escape');
    await drawn('card-b', false);
    await drawn('card-a');
    expect(inputs).toEqual(expect.arrayContaining(['key:next', 'key:dismiss']));
  }, 20_000);

  it('mouse: gaze on a toast and a click (pinch) acknowledge it', async () => {
    notify({ id: 'toast-m', kind: 'toast', title: 'Message from Ana', ttlMs: 20_000 });
    await drawn('toast-m');
    const rect = (await pageHooks(page)).display?.rects.find((r) => r.id === 'toast-m');
    const box = await page.locator('#display').boundingBox();
    const canvas: number[] = await page.evaluate("[document.getElementById('display').width, document.getElementById('display').height]");
    if (rect === undefined || box === null) throw new Error('toast or canvas not found');
    // object-fit: contain — the canvas image is scaled by the smaller ratio and centred in its box
    const scale = Math.min(box.width / (canvas[0] as number), box.height / (canvas[1] as number));
    const x0 = box.x + (box.width - (canvas[0] as number) * scale) / 2;
    const y0 = box.y + (box.height - (canvas[1] as number) * scale) / 2;
    await page.mouse.move(x0 + (rect.x + rect.w / 2) * scale, y0 + (rect.y + rect.h / 2) * scale);
    await page.mouse.down();
    await page.mouse.up();
    await drawn('toast-m', false);
    expect(inputs).toEqual(expect.arrayContaining(['gaze:toast-m', 'pinch:toast-m']));
    expect(run.server.stats().inputsPublished).toBeGreaterThanOrEqual(3);
    expect(run.server.stats().inputsRejected).toBe(0);
  }, 20_000);

  it('power profile saver: a low-priority toast is left out (reason "profile"), a high one shows', async () => {
    run.runtime.bus.publish('resources.changed', { tNs: run.runtime.clock.nowNs(), profile: 'saver', previous: 'full', reason: 'test' });
    notify({ id: 'toast-low', kind: 'toast', title: 'Tip of the day', priority: 'low', ttlMs: 20_000 });
    notify({ id: 'toast-high', kind: 'toast', title: 'Battery at 14 %', priority: 'high', ttlMs: 20_000 });
    await drawn('toast-high');
    const h = await pageHooks(page);
    expect(h.display?.elements).not.toContain('toast-low');
    expect(h.lastScene?.layout?.hidden).toContainEqual({ id: 'toast-low', reason: 'profile' });
    expect(errors).toEqual([]);
  }, 20_000);
});
