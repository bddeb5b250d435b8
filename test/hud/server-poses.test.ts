/**
 * The HUD server's version-2 additions over a real socket: the display profile in `hello`, `pose.updated`
 * (predicted and vio; not ahrs) pushed as small JSON stamped with the server's epoch ms, the newest per source
 * to a page that connects later; page input published on `ui.input` (bus clock); bad page messages counted;
 * clock pings answered; bytes counted per kind.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { PoseEvent } from '../../src/bus/topics.js';
import { GENERIC_GLASSES_PROFILE } from '../../src/hud/display-profile.js';
import { HudServer } from '../../src/hud/server.js';
import type { UiInputEvent } from '../../src/layers/interface/scene-types.js';
import { fakeStats, HudTestClient, hostBus, poll } from './helpers.js';

const pose = (source: PoseEvent['source'], tNs: number): PoseEvent => ({ tNs, source, q_world_body: [1, 0, 0, 0], ...(source === 'ahrs' ? {} : { p_world_body_m: [0.1, 0.2, tNs / 1e9] as const }) });

describe('HudServer: poses, display profile, page input', () => {
  const open: Array<{ close: () => unknown }> = [];
  afterEach(async () => {
    for (const o of open.splice(0)) await o.close();
  });

  it('sends the profile in hello and poses per source; a late page gets the newest of each', async () => {
    const bus = hostBus();
    const server = await HudServer.start({ bus, port: 0, stats: () => fakeStats(), displayProfile: GENERIC_GLASSES_PROFILE });
    open.push(server);
    const a = new HudTestClient(server.url);
    open.push(a);
    await a.opened();
    await a.until('hello', () => a.ofType('hello').length === 1);
    expect(a.ofType('hello')[0]?.display).toEqual(JSON.parse(JSON.stringify(GENERIC_GLASSES_PROFILE)));
    const before = performance.timeOrigin + performance.now();
    for (const [s, t] of [['ahrs', 1e6], ['predicted', 2e6], ['vio', 3e6], ['predicted', 4e6]] as const) bus.publish('pose.updated', pose(s, t));
    await a.until('poses', () => a.ofType('pose').length >= 3);
    const poses = a.ofType('pose');
    expect(poses.map((p) => [p.source, p.tNs])).toEqual([['predicted', 2e6], ['vio', 3e6], ['predicted', 4e6]]);
    expect(poses[1]).toMatchObject({ q: [1, 0, 0, 0], p: [0.1, 0.2, 0.003], horizonNs: null });
    expect(poses[0]?.sentMs as number).toBeGreaterThanOrEqual(before);
    const b = new HudTestClient(server.url);
    open.push(b);
    await b.opened();
    await b.until('late poses', () => b.ofType('pose').length >= 2);
    expect(b.ofType('pose').map((p) => [p.source, p.tNs]).sort()).toEqual([['predicted', 4e6], ['vio', 3e6]]);
    expect(server.stats()).toMatchObject({ posesReceived: 3 });
    expect(server.stats().bytesSent.pose).toBeGreaterThan(0);
  });

  it('publishes page input on ui.input, answers pings, counts bad messages', async () => {
    const bus = hostBus();
    const server = await HudServer.start({ bus, port: 0, stats: () => fakeStats() });
    open.push(server);
    const inputs: UiInputEvent[] = [];
    bus.observe('ui.input').subscribe((e) => inputs.push(e.payload));
    const c = new HudTestClient(server.url);
    open.push(c);
    await c.opened();
    c.ws.send(JSON.stringify({ type: 'input', input: { kind: 'key', action: 'dismiss' } }));
    c.ws.send(JSON.stringify({ type: 'input', input: { kind: 'gaze', atPx: [10.5, 20], targetId: 'card-1' } }));
    c.ws.send(JSON.stringify({ type: 'input', input: { kind: 'wave' } }));
    c.ws.send('{');
    c.ws.send(JSON.stringify({ type: 'ping', t0Ms: 123 }));
    await c.until('pong', () => c.ofType('pong').length === 1);
    await poll('inputs', () => inputs.length === 2);
    expect(inputs.map(({ tNs: _t, ...rest }) => rest)).toEqual([{ kind: 'key', action: 'dismiss', source: 'hud-page' }, { kind: 'gaze', atPx: [10.5, 20], targetId: 'card-1', source: 'hud-page' }]);
    expect(c.ofType('pong')[0]).toMatchObject({ t0Ms: 123, serverMs: expect.any(Number) as number });
    expect(server.stats()).toMatchObject({ inputsPublished: 2, inputsRejected: 2 });
  });
});
