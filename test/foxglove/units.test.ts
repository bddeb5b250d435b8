/**
 * The small parts of the live view and bus recordings: clock conversion, schema names, log levels, the
 * command-line flags, channel selection, and the errors bad options and busy ports give (exact texts).
 */
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { Bus } from '../../src/bus/bus.js';
import { foxgloveChannels } from '../../src/foxglove/channels.js';
import { logLine } from '../../src/foxglove/encode-log.js';
import { addFoxgloveOptions, addRecordBusOptions } from '../../src/foxglove/options.js';
import { genericSchemaName, runtimeNsU64, runtimeTime } from '../../src/foxglove/schemas.js';
import { startFoxgloveBridge } from '../../src/foxglove/server.js';
import { recordBus, selectChannels } from '../../src/record/bus-record.js';
import type { DeviceState } from '../../src/bus/topics.js';

describe('clock and names', () => {
  it('writes runtime ns as Foxglove time, whole ns, never negative', () => {
    expect(runtimeTime(1_500_000_000)).toEqual({ sec: 1, nsec: 500_000_000 });
    expect(runtimeTime(9_950_000_000.4)).toEqual({ sec: 9, nsec: 950_000_000 });
    expect(runtimeTime(-5)).toEqual({ sec: 0, nsec: 0 });
    expect(runtimeNsU64(2 ** 53)).toBe(2n ** 53n);
  });

  it('names generic schemas karana.<Topic>', () => {
    expect(['thermal.reading', 'device.sample_skipped', 'ui.hud', 'runtime.stats'].map(genericSchemaName)).toEqual(['karana.ThermalReading', 'karana.DeviceSampleSkipped', 'karana.UiHud', 'karana.RuntimeStats']);
  });

  it('logs device states at INFO, WARNING or ERROR', () => {
    const level = (state: DeviceState): number | undefined =>
      logLine({ topic: 'device.state', seq: 0, publishedNs: 0, payload: { deviceId: 'imu0', kind: 'imu', tNs: 0, state, message: 'x' } })?.level;
    expect((['open', 'ended', 'disconnected', 'reconnecting', 'failed'] as const).map(level)).toEqual([2, 2, 3, 3, 4]);
  });
});

describe('flags', () => {
  const parse = (argv: string[]): Record<string, unknown> => {
    const c = addRecordBusOptions(addFoxgloveOptions(new Command().exitOverride().configureOutput({ writeErr: () => undefined })));
    c.parse(argv, { from: 'user' });
    return c.opts();
  };

  it('--foxglove is off by default, 8765 without a port, any port with one', () => {
    expect(parse([])).toEqual({ foxgloveImages: 'auto' });
    expect(parse(['--foxglove']).foxglove).toBe(8765);
    expect(parse(['--foxglove', '0']).foxglove).toBe(0);
    expect(() => parse(['--foxglove', 'eighty'])).toThrow(`option '--foxglove [port]' argument 'eighty' is invalid. "eighty" is not a port (an integer 0–65535)`);
  });

  it('--record FILE --record-topics a,b', () => {
    expect(parse(['--record', 'run.mcap', '--record-topics', '/pose/*, objects.*'])).toMatchObject({ record: 'run.mcap', recordTopics: ['/pose/*', 'objects.*'] });
  });
});

describe('channel selection and bad options', () => {
  it('selects by Foxglove or bus topic, and names a pattern that matches nothing', () => {
    const all = foxgloveChannels();
    expect(selectChannels(all, ['/pose/*', 'objects.*']).map((c) => c.topic)).toEqual(['/pose/vio', '/pose/predicted', '/pose/ahrs', '/pose/tracker', '/objects/detected', '/objects/tracked']);
    expect(() => selectChannels(all, ['/nope'])).toThrow(/^--record-topics: "\/nope" matches no channel \(channels: \/pose\/vio, /);
    expect(() => foxgloveChannels({ jpegQuality: 0 })).toThrow('"jpegQuality" must be an integer 1–100, got 0');
  });

  it('names the file a recording cannot be created in, and the address a server cannot listen on', async () => {
    const bus = new Bus({ now: () => 0 });
    const file = join('/nonexistent-dir', 'run.mcap');
    await expect(recordBus(bus, file)).rejects.toThrow(`--record ${file}: ENOENT`);
    const first = await startFoxgloveBridge({ bus, port: 0 });
    try {
      await expect(startFoxgloveBridge({ bus, port: first.port })).rejects.toThrow(`Foxglove server: cannot listen on 127.0.0.1:${first.port}: EADDRINUSE`);
      await expect(startFoxgloveBridge({ bus, port: 70000 })).rejects.toThrow('"port" must be an integer 0–65535, got 70000');
    } finally {
      await first.close();
      bus.close();
    }
  });
});
