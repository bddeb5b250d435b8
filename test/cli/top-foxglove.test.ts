/**
 * `karana top` against the runtime's own Foxglove live view (`startFoxgloveBridge`, src/foxglove) while the sample
 * session replays with the stats publisher: it finds `/runtime.stats`, `/device.state` and `/power.state` among the
 * advertised channels, subscribes to those, and prints a frame of the run. While the bridge sends the event-log form
 * of `runtime.stats` (no wall-time step figures) the frame shows `-` for those; with the full payload, the figures.
 */
import { describe, expect, it } from 'vitest';
import { loadSession } from '../../hal/session/index.js';
import { topCommand } from '../../src/cli/top.js';
import { startFoxgloveBridge } from '../../src/foxglove/index.js';
import { madgwickFilter } from '../../src/layers/intelligence/madgwick-filter.js';
import { sampleSessionPath } from '../../src/paths.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { startStatsPublisher } from '../../src/runtime/stats-publisher.js';
import type { RuntimeStatsEvent } from '../../src/top/stats-types.js';
import { CapturedOutput } from '../top/helpers.js';

describe('karana top on the Foxglove live view', () => {
  it('attaches to the bridge of a running replay and prints its frame', async () => {
    const session = await loadSession(sampleSessionPath());
    const runtime = new Runtime({ session, speed: 0, filter: madgwickFilter(), detector: null, anchors: false });
    const published: RuntimeStatsEvent[] = [];
    runtime.bus.observe('runtime.stats').subscribe((e) => published.push(e.payload));
    const publisher = startStatsPublisher(runtime, { session: { name: session.name, durationNs: session.durationNs }, speed: 0 });
    const bridge = await startFoxgloveBridge({ bus: runtime.bus, port: 0, devices: session.devices.map((d) => d.device.info) });
    const run = runtime.run();
    const frame = new CapturedOutput(false);
    const json = new CapturedOutput(false);
    try {
      await topCommand({ url: bridge.url, once: true, json: false }, { out: frame });
      await topCommand({ url: bridge.url, once: true, json: true }, { out: json });
    } finally {
      await run;
      publisher.stop();
      await bridge.close();
      await session.close();
    }
    console.log(frame.text);
    const lines = frame.text.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^karana top — sample @ ws:\/\/127\.0\.0\.1:\d+ \| virtual clock \| t \d+\.\d\d\/9\.95 s /);
    expect(lines.some((l) => /^1 hardware\s+1000\s+\d+\.\d\s+0\.50\s+(-|\d+\.\d{3})\s+(-|\d+\.\d{3})\s+(-|\d+%)\s+(-|\d+)/.test(l))).toBe(true);
    expect(lines.some((l) => /^cam0\s+camera\s+open\s+\d+\.\d\s/.test(l))).toBe(true);
    expect(lines.some((l) => /^imu\.samples\s+high\s+\d+\.\d\s/.test(l))).toBe(true);
    const printed = JSON.parse(json.text) as RuntimeStatsEvent;
    const same = published.find((s) => s.tNs === printed.tNs) as RuntimeStatsEvent;
    expect(printed.devices).toEqual(same.devices);
    expect(printed.bus).toEqual(same.bus);
    expect(printed.power).toEqual(same.power);
    expect(printed.layers.map((l) => [l.name, l.stepsPerS])).toEqual(same.layers.map((l) => [l.name, l.stepsPerS]));
  }, 120_000);
});
