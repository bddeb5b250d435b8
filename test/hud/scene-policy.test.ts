/**
 * Layer 7's scene model, pure: the policy (power-profile floors, region capacities, z order), the content
 * step (posts, replacement, expiry on the runtime clock, bad payloads rejected with the field named, input:
 * gaze, keys, pinch) and the layer's `ui.hud` output with layout and tabs (anchors resolved).
 */
import { describe, expect, it } from 'vitest';
import type { AnyEnvelope } from '../../src/bus/bus.js';
import type { HudScene } from '../../src/bus/topics.js';
import { interfaceLayer } from '../../src/layers/interface/index.js';
import { composeLayout } from '../../src/layers/interface/compose.js';
import { INITIAL_CONTENT, stepContent } from '../../src/layers/interface/content.js';
import { applyPolicy, LAYOUT_DEFAULTS, type Candidate } from '../../src/layers/interface/policy.js';
import { IDENTITY } from '../../src/math/quat.js';

let seq = 0;
const ev = (topic: string, payload: unknown): AnyEnvelope => ({ topic, seq: seq++, publishedNs: 0, payload }) as AnyEnvelope;
const c = (id: string, region: Candidate['region'], priority: Candidate['priority'], z: number, postedNs = 0): Candidate => ({ id, region, priority, z, postedNs });

describe('applyPolicy', () => {
  it('keeps everything under full, in z order (ties by id)', () => {
    const r = applyPolicy([c('t', 'toasts', 'low', 60), c('card', 'center', 'normal', 40), c('h', 'overlay', 'normal', 0), c('a', 'toasts', 'high', 60)], 'full');
    expect(r.shown.map((x) => x.id)).toEqual(['h', 'card', 'a', 't']);
    expect(r.hidden).toEqual([]);
  });

  it('saver drops low, critical keeps only high and critical; critical is never dropped', () => {
    const all = [c('low', 'toasts', 'low', 60), c('normal', 'toasts', 'normal', 60), c('high', 'toasts', 'high', 60), c('crit', 'status', 'critical', 20)];
    expect(applyPolicy(all, 'saver').shown.map((x) => x.id)).toEqual(['crit', 'high', 'normal']);
    const critical = applyPolicy(all, 'critical');
    expect(critical.shown.map((x) => x.id)).toEqual(['crit', 'high']);
    expect(critical.hidden).toEqual([{ id: 'low', reason: 'profile' }, { id: 'normal', reason: 'profile' }]);
    expect(applyPolicy(all, undefined).shown).toHaveLength(4);
  });

  it('a full region keeps the highest priority, then the highest z, then the newest', () => {
    const toasts = [c('old', 'toasts', 'normal', 60, 1), c('new', 'toasts', 'normal', 60, 5), c('mid', 'toasts', 'normal', 60, 3), c('low', 'toasts', 'low', 60, 9), c('hi', 'toasts', 'high', 50, 0)];
    const r = applyPolicy(toasts, 'full');
    expect(LAYOUT_DEFAULTS.capacity.toasts).toBe(3);
    expect(r.shown.map((x) => x.id)).toEqual(['hi', 'mid', 'new']);
    expect(r.hidden).toEqual([{ id: 'old', reason: 'capacity' }, { id: 'low', reason: 'capacity' }]);
  });
});

describe('stepContent', () => {
  it('posts, replaces by id, expires on the runtime clock (toast default 4 s)', () => {
    let s = stepContent(INITIAL_CONTENT, [ev('ui.notify', { tNs: 1e9, id: 't', kind: 'toast', title: 'A' }), ev('ui.notify', { tNs: 1e9, id: 'c', kind: 'card', title: 'Card' })], 1e9);
    expect([...s.elements.keys()]).toEqual(['t', 'c']);
    expect(s.elements.get('t')?.expiresNs).toBe(5e9);
    s = stepContent(s, [ev('ui.notify', { tNs: 2e9, id: 't', kind: 'toast', title: 'B', ttlMs: 500 })], 2e9);
    expect(s.elements.get('t')).toMatchObject({ title: 'B', expiresNs: 2.5e9 });
    expect(stepContent(s, [], 2.4999e9).elements.has('t')).toBe(true);
    s = stepContent(s, [], 2.5e9);
    expect([...s.elements.keys()]).toEqual(['c']);
    s = stepContent(s, [ev('ui.notify', { tNs: 3e9, id: 'c', remove: true })], 3e9);
    expect(s.elements.size).toBe(0);
  });

  it('rejects bad payloads with the field named and keeps going', () => {
    let s = stepContent(INITIAL_CONTENT, [ev('ui.notify', { tNs: 0, id: 'x', kind: 'banner', title: 'A' })], 0);
    expect(s.rejected).toBe(1);
    expect(s.lastRejection).toMatch(/^ui\.notify "kind": /);
    s = stepContent(s, [ev('ui.tab', { tNs: 0, id: 'tab', title: 'T' })], 0);
    expect(s.lastRejection).toBe('ui.tab "": needs "anchorId" or "p_world_m"');
    s = stepContent(s, [ev('ui.input', { tNs: 0, source: 'x', kind: 'gaze', atPx: [1, Number.NaN], targetId: null })], 0);
    expect(s.lastRejection).toMatch(/^ui\.input "atPx\.1": /);
    expect(s.rejected).toBe(3);
  });

  it('input: next/previous cycle the cards, dismiss removes the card shown or the gazed element, pinch acknowledges a toast', () => {
    const post = ['a', 'b', 'c'].map((id) => ev('ui.notify', { tNs: 0, id, kind: 'card', title: id }));
    let s = stepContent(INITIAL_CONTENT, [...post, ev('ui.notify', { tNs: 0, id: 't', kind: 'toast', title: 't', ttlMs: 60_000 })], 0);
    const key = (action: string): AnyEnvelope => ev('ui.input', { tNs: 0, source: 'test', kind: 'key', action });
    const shown = (): string | undefined => composeLayout(s, { tNs: 0 }, undefined).layout.elements.find((e) => e.region === 'center')?.id;
    expect(shown()).toBe('a');
    s = stepContent(s, [key('next'), key('next')], 0);
    expect(shown()).toBe('c');
    s = stepContent(s, [key('next')], 0);
    expect(shown()).toBe('a');
    s = stepContent(s, [key('previous'), key('dismiss')], 0);
    expect([...s.elements.keys()]).toEqual(['a', 'b', 't']);
    s = stepContent(s, [ev('ui.input', { tNs: 0, source: 'test', kind: 'gaze', atPx: [5, 5], targetId: 'b' }), key('dismiss')], 0);
    expect([...s.elements.keys()]).toEqual(['a', 't']);
    expect(s.focusId).toBeNull();
    s = stepContent(s, [ev('ui.input', { tNs: 0, source: 'test', kind: 'pinch', phase: 'start', atPx: [700, 20], targetId: 't' })], 0);
    expect([...s.elements.keys()]).toEqual(['a']);
  });
});

describe('interfaceLayer scene', () => {
  const layer = interfaceLayer({ q_body_view: IDENTITY });
  const step = (state: ReturnType<typeof layer.init>, events: AnyEnvelope[], tNs: number) => layer.step(state, { events, results: [], edge: [] }, { tick: 0, tNs, dtNs: 0, mode: 'virtual' });
  const sceneOf = (out: ReturnType<typeof step>): HudScene => out.events?.[0]?.payload as HudScene;

  it('emits layout and tabs; a tab on an anchor shows while anchors.updated lists it; widgets follow the sensors', () => {
    let out = step(layer.init(), [
      ev('ui.tab', { tNs: 0, id: 'tab-1', title: 'Valve', anchorId: 'anchor-1' }),
      ev('ui.tab', { tNs: 0, id: 'tab-2', title: 'Door', p_world_m: [1, 2, 3] }),
      ev('power.state', { deviceId: 'b', tNs: 0, batteryPercent: 12 }),
    ], 0);
    let scene = sceneOf(out);
    expect(scene.tabs?.map((t) => [t.id, t.p_world_m])).toEqual([['tab-2', [1, 2, 3]]]);
    expect(scene.layout?.hidden).toContainEqual({ id: 'tab-1', reason: 'no-anchor' });
    expect(scene.layout?.elements.map((e) => [e.id, e.priority])).toEqual([['widget:battery', 'high']]);
    out = step(out.state, [ev('anchors.updated', { tNs: 1e9, anchors: [{ id: 'anchor-1', p_world_m: [4, 5, 6], q_world_anchor: [1, 0, 0, 0] }] })], 1e9);
    scene = sceneOf(out);
    expect(scene.tabs?.map((t) => [t.id, t.p_world_m, t.anchorId ?? null])).toEqual([['tab-1', [4, 5, 6], 'anchor-1'], ['tab-2', [1, 2, 3], null]]);
    expect(scene.tabs?.[0]).not.toHaveProperty('region');
    expect(scene.tabs?.[0]).not.toHaveProperty('postedNs');
  });
});
