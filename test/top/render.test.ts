/**
 * `karana top`'s frame from a real snapshot (the sample session through the runtime, virtual clock): plain text
 * without colour, red rows for a layer over budget and for lost tracking, a newer `device.state` overriding the
 * snapshot's, topics cut to the terminal's height; the view model rejecting bad messages with the field named.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSession } from '../../hal/session/index.js';
import { madgwickFilter } from '../../src/layers/intelligence/madgwick-filter.js';
import { sampleSessionPath } from '../../src/paths.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { startStatsPublisher } from '../../src/runtime/stats-publisher.js';
import { applyMessage, emptyView } from '../../src/top/model.js';
import { renderTop, type TopView } from '../../src/top/render.js';
import type { RuntimeStatsEvent } from '../../src/top/stats-types.js';

let snapshot: RuntimeStatsEvent;
const RED = '\x1b[31m';

describe('karana top frame', () => {
  beforeAll(async () => {
    const session = await loadSession(sampleSessionPath());
    const runtime = new Runtime({ session, speed: 0, filter: madgwickFilter(), detector: null, anchors: false });
    const publisher = startStatsPublisher(runtime, { session: { name: session.name, durationNs: session.durationNs }, speed: 0 });
    try {
      await runtime.run();
      snapshot = publisher.publishNow(); // a last one at the end of the run
    } finally {
      publisher.stop();
      await session.close();
    }
  }, 120_000);

  const view = (stats: RuntimeStatsEvent, more: Partial<TopView> = {}): TopView => ({ ...applyMessage(emptyView('ws://127.0.0.1:8765'), 'runtime.stats', stats), ...more });

  it('renders the run: header, power line, layers, devices, busiest topics first', () => {
    const lines = renderTop(view(snapshot), { color: false });
    console.log(lines.join('\n'));
    expect(lines[0]).toMatch(/^karana top — sample @ ws:\/\/127\.0\.0\.1:8765 \| virtual clock \| t 9\.9\d\/9\.95 s \[####################\] 100% \| \d+ ticks at 1000 Hz$/);
    expect(lines[1]).toMatch(/^profile (full|balanced) \(.*\) \| battery \d+ % \d\.\d\d V \d+\.\d\d W \| SoC \d+\.\d °C \(cpu-thermal\) \| VIO tracking \(\d+ features\)$/);
    expect(lines[3]).toBe('LAYER             RATE Hz   STEPS/s  BUDGET ms   P50 ms   P99 ms  BUDGET%   OVERRUNS  ERRORS');
    expect(lines.filter((l) => /^\d (hardware|intelligence|interface|services) /.test(l))).toHaveLength(4);
    const topics = lines.slice(lines.findIndex((l) => l.startsWith('TOPIC')) + 1);
    const rates = topics.map((l) => Number(l.split(/\s+/)[2]));
    expect(rates).toEqual([...rates].sort((a, b) => b - a));
    expect(lines.join('\n')).not.toContain('\x1b[');
  });

  it('paints a layer over its budget and lost tracking red', () => {
    const over = { ...snapshot, layers: snapshot.layers.map((l) => ({ ...l, budgetUsePct: l.name === 'intelligence' ? 250 : 10, errors: 0 })), tracking: { ...snapshot.tracking, state: 'lost' as const, reason: 'too few features' } };
    const lines = renderTop(view(over), { color: true });
    expect(lines.find((l) => l.includes('5 intelligence'))?.startsWith(RED)).toBe(true);
    expect(lines[1]).toContain(`${RED}VIO lost`);
    expect(lines.find((l) => l.includes('1 hardware'))?.startsWith(RED)).toBe(false);
  });

  it('a device.state newer than the snapshot overrides the device row', () => {
    let v = view(snapshot);
    v = applyMessage(v, 'device.state', { deviceId: 'cam0', kind: 'camera', tNs: snapshot.tNs + 1, state: 'disconnected', message: 'EIO reading frame' });
    const row = renderTop(v, { color: false }).find((l) => l.startsWith('cam0'));
    expect(row).toMatch(/^cam0\s+camera\s+disconnected\s.*EIO reading frame$/);
  });

  it('cuts the topics to the terminal height and says how many are hidden', () => {
    const lines = renderTop(view(snapshot), { color: false, rows: 24 });
    expect(lines.length).toBeLessThanOrEqual(24);
    expect(lines.at(-1)).toMatch(/^… \d+ more topics \(a taller terminal shows them\)$/);
  });

  it('bad messages leave the view as it was and name the field', () => {
    const v = view(snapshot);
    const bad = applyMessage(v, 'runtime.stats', { ...snapshot, layers: [{ ...snapshot.layers[0], stepP99Ms: 'slow' }] });
    expect(bad.stats).toBe(v.stats);
    expect(bad.error).toBe('bad runtime.stats message: layers.0.stepP99Ms: Invalid input: expected number, received string');
    expect(applyMessage(v, 'device.state', { deviceId: 'cam0' }).error).toBe('bad device.state message: kind: Invalid input: expected string, received undefined');
    expect(renderTop(emptyView('ws://x:1'), { color: false })).toEqual(['karana top — ws://x:1', 'waiting for runtime.stats …']);
  });
});
