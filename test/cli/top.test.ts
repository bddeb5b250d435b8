/**
 * `karana top` against a real Foxglove WebSocket server on a real socket: it subscribes to exactly the
 * `runtime.stats`, `device.state` and `power.state` channels, prints one frame (`--once`) or the snapshot as JSON
 * (`--once --json`) equal to what the bus published while the sample session replays; full screen it redraws and
 * restores the terminal on `q`; piped it prints a frame per snapshot until the run ends; it names the URL when
 * nothing listens or the stats are not advertised; a bad message does not stop it.
 */
import { createServer } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSession } from '../../hal/session/index.js';
import { Command } from 'commander';
import { registerTop, topCommand } from '../../src/cli/top.js';
import { madgwickFilter } from '../../src/layers/intelligence/madgwick-filter.js';
import { sampleSessionPath } from '../../src/paths.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { startStatsPublisher } from '../../src/runtime/stats-publisher.js';
import { LEAVE, ENTER } from '../../src/top/screen.js';
import type { RuntimeStatsEvent } from '../../src/top/stats-types.js';
import { CapturedOutput, FakeKeys, startTestBridge } from '../top/helpers.js';

const BUS_TOPICS = ['runtime.stats', 'device.state', 'power.state', 'camera.frame', 'pose.updated'];
/** Snapshots the live run published (reused by the tests that need no live run). */
let recorded: RuntimeStatsEvent[] = [];
let onceFrame = '';
let onceJson = '';
let subscribedLive: string[] = [];

describe('karana top', () => {
  beforeAll(async () => {
    // The sample session through the real runtime (virtual clock), with the stats publisher and a bridge.
    const session = await loadSession(sampleSessionPath());
    const runtime = new Runtime({ session, speed: 0, filter: madgwickFilter(), detector: null, anchors: false });
    runtime.bus.observe('runtime.stats').subscribe((e) => recorded.push(e.payload));
    const publisher = startStatsPublisher(runtime, { session: { name: session.name, durationNs: session.durationNs }, speed: 0 });
    const bridge = await startTestBridge(BUS_TOPICS, runtime.bus);
    const run = runtime.run();
    try {
      const frameOut = new CapturedOutput(false);
      await topCommand({ url: bridge.url, once: true, json: false }, { out: frameOut });
      onceFrame = frameOut.text;
      subscribedLive = [...bridge.subscribed].sort();
      const jsonOut = new CapturedOutput(false);
      await topCommand({ url: bridge.url, once: true, json: true }, { out: jsonOut });
      onceJson = jsonOut.text;
    } finally {
      await run;
      publisher.stop();
      await bridge.close();
      await session.close();
    }
    recorded = [...recorded];
  }, 120_000);

  it('subscribes to runtime.stats, device.state and power.state only, and prints one frame (--once)', () => {
    expect(subscribedLive).toEqual(['device.state', 'power.state', 'runtime.stats']);
    console.log(onceFrame);
    const lines = onceFrame.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^karana top — sample @ ws:\/\/127\.0\.0\.1:\d+ \| virtual clock \| t \d+\.\d\d\/9\.95 s \[/);
    expect(lines[1]).toMatch(/profile (full|-) .*\| battery \d+ % \d\.\d\d V .*\| SoC \d+\.\d °C \(cpu-thermal\) \| VIO /);
    expect(lines.some((l) => /^1 hardware\s+1000\s/.test(l))).toBe(true);
    expect(lines.some((l) => /^5 intelligence\s+200\s/.test(l))).toBe(true);
    expect(lines.some((l) => /^cam0\s+camera\s+open\s/.test(l))).toBe(true);
    expect(lines.some((l) => /^imu\.samples\s+high\s/.test(l))).toBe(true);
    expect(onceFrame).not.toContain('\x1b['); // not a terminal: no colours, no cursor moves
    expect(Math.max(...lines.slice(2).map((l) => l.length))).toBeLessThanOrEqual(110);
  });

  it('prints the snapshot the bus published as one JSON line (--once --json)', () => {
    expect(onceJson.endsWith('\n')).toBe(true);
    expect(onceJson.trimEnd().split('\n')).toHaveLength(1);
    const printed = JSON.parse(onceJson) as RuntimeStatsEvent;
    const published = recorded.find((s) => s.tNs === printed.tNs);
    expect(published).toBeDefined();
    expect(printed).toEqual(published);
  });

  it('full screen: redraws in place and puts the terminal back on q', async () => {
    const bridge = await startTestBridge(['runtime.stats', 'device.state', 'power.state']);
    const out = new CapturedOutput(true, 40);
    const keys = new FakeKeys();
    try {
      const top = topCommand({ url: bridge.url, once: false, json: false, color: true }, { out, input: keys, redrawMs: 20 });
      const send = (s: RuntimeStatsEvent): void => bridge.sendRaw('runtime.stats', new TextEncoder().encode(JSON.stringify(s)));
      await waitUntil(() => bridge.subscribed.has('runtime.stats'));
      send(recorded[3] as RuntimeStatsEvent);
      await out.waitFor('\x1b[H', 2); // drawn at least twice
      send(recorded.at(-1) as RuntimeStatsEvent);
      await out.waitFor(`${((recorded.at(-1) as RuntimeStatsEvent).tNs / 1e9).toFixed(2)}/9.95 s`);
      keys.press('q');
      await top;
      expect(out.text.startsWith(ENTER)).toBe(true);
      expect(out.text.endsWith(LEAVE)).toBe(true);
      expect(keys.rawModes).toEqual([true, false]);
      expect(out.text).toContain('\x1b[1m'); // bold headings: colours on
      expect(keys.listenerCount('data')).toBe(0);
    } finally {
      await bridge.close();
    }
  });

  it('piped: prints a frame per snapshot and ends when the run goes away', async () => {
    const bridge = await startTestBridge(['runtime.stats', 'device.state', 'power.state']);
    const out = new CapturedOutput(false);
    try {
      const top = topCommand({ url: bridge.url, once: false, json: false }, { out });
      await waitUntil(() => bridge.subscribed.has('runtime.stats'));
      for (const s of recorded.slice(0, 3)) bridge.sendRaw('runtime.stats', new TextEncoder().encode(JSON.stringify(s)));
      await out.waitFor('karana top — sample', 3);
      bridge.disconnectAll();
      await top;
      expect(out.text.split('karana top — sample').length - 1).toBe(3);
    } finally {
      await bridge.close();
    }
  });

  it('a bad message is reported and skipped; the next good snapshot is printed', async () => {
    const bridge = await startTestBridge(['runtime.stats', 'device.state', 'power.state']);
    const out = new CapturedOutput(false);
    try {
      const top = topCommand({ url: bridge.url, once: true, json: true }, { out });
      await waitUntil(() => bridge.subscribed.has('runtime.stats'));
      bridge.sendRaw('runtime.stats', new TextEncoder().encode('{"tNs": "soon"'));
      bridge.sendRaw('runtime.stats', new TextEncoder().encode(JSON.stringify({ ...recorded[0], layers: 'many' })));
      bridge.sendRaw('runtime.stats', new TextEncoder().encode(JSON.stringify(recorded[1])));
      await top;
      expect(JSON.parse(out.text)).toEqual(recorded[1]);
    } finally {
      await bridge.close();
    }
  });

  it('registerTop adds `karana top` with its options checked', async () => {
    const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
    registerTop(program);
    const top = program.commands.find((c) => c.name() === 'top');
    expect(top?.options.map((o) => o.long)).toEqual(['--url', '--once', '--json', '--no-color', '--timeout']);
    await expect(program.parseAsync(['node', 'karana', 'top', '--url', 'http://127.0.0.1:8765'])).rejects.toThrow('"url" must be a ws:// or wss:// URL, got "http://127.0.0.1:8765"');
    await expect(program.parseAsync(['node', 'karana', 'top', '--timeout', '0'])).rejects.toThrow('"timeout" must be a positive number of seconds, got "0"');
  });

  it('names the URL when nothing listens there', async () => {
    const port = await freePort();
    await expect(topCommand({ url: `ws://127.0.0.1:${port}`, once: true, json: false, timeoutS: 5 }, { out: new CapturedOutput(false) })).rejects.toThrow(
      new RegExp(`^cannot connect to ws://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED.* — is \`karana run\` serving the Foxglove live view there\\?$`),
    );
  });

  it('says so when the server does not advertise runtime.stats', async () => {
    const bridge = await startTestBridge(['camera.frame']);
    try {
      await expect(topCommand({ url: bridge.url, once: true, json: false, timeoutS: 0.5 }, { out: new CapturedOutput(false) })).rejects.toThrow(
        `${bridge.url} did not advertise "runtime.stats" within 0.5 s: is the stats publisher on in that \`karana run\`?`,
      );
    } finally {
      await bridge.close();
    }
  });
});


async function waitUntil(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 5));
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
