/**
 * Replaying an MCAP recording: the shared reader (`hal/mcap/shared-reader.ts`, one pass over the file for all
 * its devices) against (b) one independent reader per device — the way the `mcap` driver read before the
 * shared reader, rebuilt here from the project's `scanMcap` (each device scans, checks and decompresses the
 * whole file and keeps its own channel) — and (c) the peer a user would pick: `@mcap/core`'s
 * `McapIndexedReader` reading every message through the file's index (`readMessages()`).
 *
 * Input: the bundled sample session (hal/sessions/sample: EuRoC MH_01 cam0 and IMU, a world camera, JFK
 * speech, Pi thermal and UPS battery traces; 10 s, six devices), recorded by `recordSession` to a temporary
 * MCAP file (1 MiB zstd chunks, as `karana record` writes by default).
 * Work per mode: every message of every device decoded into its HAL sample (`decodeSample`: JSON parse,
 * base64 of pixels and audio), so the three modes do the same decoding and differ only in how the file is read.
 * (a) opens the recording as a session (`openMcapSession`) and reads its six devices concurrently to the end.
 * Figures: wall time and CPU time (user + system) per full replay, the median of the rounds (modes
 * interleaved), file MB/s (file size / wall time), and the ratios; peak heap + array buffers while replaying.
 */
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { McapIndexedReader } from '@mcap/core';
import type { IReadable } from '@mcap/core';
import { decodeSample } from '../hal/mcap/codec.js';
import { DECOMPRESS, loadZstd } from '../hal/mcap/compression.js';
import { scanMcap } from '../hal/mcap/scan.js';
import { openMcapSession, planMcapSession } from '../hal/mcap/session.js';
import { sharedReaderStats } from '../hal/mcap/shared-reader.js';
import { loadSession } from '../hal/session/index.js';
import type { DeviceKind } from '../hal/types.js';
import { recordSession } from '../src/record/record.js';
import type { BenchOptions, BenchResult, BenchSuite, Figure } from './harness.js';

interface Run {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly samples: number;
  readonly peakMiB: number;
}

async function timed(task: () => Promise<number>): Promise<Run> {
  let peak = 0;
  const sample = (): void => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.heapUsed + m.arrayBuffers);
  };
  const timer = setInterval(sample, 5);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const samples = await task();
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(timer);
  sample();
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, samples, peakMiB: peak / 2 ** 20 };
}

/** (a) The recording as a session, its devices read concurrently to the end (the shared reader). */
async function shared(file: string): Promise<number> {
  const session = await openMcapSession(file);
  try {
    const counts = await Promise.all(
      session.devices.map(async (d) => {
        let n = 0;
        while ((await d.device.read()) !== null) n += 1;
        return n;
      }),
    );
    return counts.reduce((a, b) => a + b, 0);
  } finally {
    await session.close();
  }
}

/** (b) One independent reader per device: each scans the whole file and decodes its own channel. */
async function independent(file: string, devices: readonly { id: string; kind: DeviceKind }[]): Promise<number> {
  const counts = await Promise.all(
    devices.map(async ({ id, kind }) => {
      let channelId: number | undefined;
      let n = 0;
      for await (const item of scanMcap(file)) {
        if (item.type === 'channel' && item.channel.topic === `/${id}`) channelId = item.channel.id;
        if (item.type !== 'message' || item.message.channelId !== channelId) continue;
        decodeSample(kind, item.message.data, item.message.publishTime, { deviceId: id, file, byteOffset: item.offset });
        n += 1;
      }
      return n;
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}

/** (c) `@mcap/core`'s indexed reader: every message through the index, decoded as its channel's kind. */
async function indexed(file: string, kinds: ReadonlyMap<string, DeviceKind>): Promise<number> {
  const handle = await open(file, 'r');
  try {
    const size = BigInt((await handle.stat()).size);
    const readable: IReadable = {
      size: async () => size,
      read: async (offset, length) => {
        const buffer = new Uint8Array(Number(length));
        await handle.read(buffer, 0, buffer.length, Number(offset));
        return buffer;
      },
    };
    const reader = await McapIndexedReader.Initialize({ readable, decompressHandlers: DECOMPRESS });
    const kindOf = new Map([...reader.channelsById.values()].map((c) => [c.id, { id: c.topic.slice(1), kind: kinds.get(c.topic.slice(1)) }]));
    let n = 0;
    for await (const m of reader.readMessages()) {
      const ch = kindOf.get(m.channelId);
      if (ch?.kind === undefined) continue;
      decodeSample(ch.kind, m.data, m.publishTime, { deviceId: ch.id, file, byteOffset: 0 });
      n += 1;
    }
    return n;
  } finally {
    await handle.close();
  }
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};

const suite: BenchSuite = {
  name: 'mcap',
  async run(options: BenchOptions): Promise<BenchResult> {
    await loadZstd();
    const dir = await mkdtemp(join(tmpdir(), 'karana-bench-mcap-'));
    try {
      const file = join(dir, 'sample.mcap');
      const source = await loadSession(join(options.rootDir, 'hal/sessions/sample/session.toml'));
      const t0 = process.hrtime.bigint();
      const summary = await recordSession(source, { out: file, fsync: 'none' });
      const recordMs = Number(process.hrtime.bigint() - t0) / 1e6;
      await source.close();
      const bytes = (await stat(file)).size;
      const plan = await planMcapSession(file);
      const devices = plan.devices.map((d) => ({ id: d.id, kind: d.kind }));
      const kinds = new Map(devices.map((d) => [d.id, d.kind]));

      const modes: Record<string, () => Promise<number>> = {
        shared: () => shared(file),
        independent: () => independent(file, devices),
        indexed: () => indexed(file, kinds),
      };
      const runs: Record<string, Run[]> = { shared: [], independent: [], indexed: [] };
      const rounds = options.quick ? 1 : 3;
      const stats0 = sharedReaderStats();
      for (let r = 0; r < rounds; r++) {
        const order = Object.keys(modes);
        if (r % 2 === 1) order.reverse();
        for (const name of order) {
          const mode = modes[name];
          if (mode !== undefined) runs[name]?.push(await timed(mode));
        }
      }
      const stats1 = sharedReaderStats();
      const counts = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, v[0]?.samples ?? 0]));
      if (new Set(Object.values(counts)).size !== 1 || counts.shared !== summary.messages) {
        throw new Error(`modes decoded different numbers of samples: ${JSON.stringify(counts)} (recorded ${summary.messages})`);
      }

      const mb = bytes / 1e6;
      const figures: Record<string, Figure> = {
        'file.MB': { value: mb, unit: 'MB' },
        'file.messages': { value: summary.messages, unit: 'messages' },
        'record.ms': { value: recordMs, unit: 'ms' },
      };
      const wall: Record<string, number> = {};
      const cpu: Record<string, number> = {};
      for (const [name, list] of Object.entries(runs)) {
        wall[name] = median(list.map((x) => x.wallMs));
        cpu[name] = median(list.map((x) => x.cpuMs));
        figures[`${name}.ms`] = { value: wall[name], unit: 'ms' };
        figures[`${name}.cpuMs`] = { value: cpu[name], unit: 'ms CPU' };
        figures[`${name}.MBps`] = { value: mb / (wall[name] / 1000), unit: 'MB/s' };
        figures[`${name}.peakMiB`] = { value: Math.max(...list.map((x) => x.peakMiB)), unit: 'MiB heap+buffers' };
      }
      const ratio = (a: string, b: string): number => (wall[a] ?? Number.NaN) / (wall[b] ?? Number.NaN);
      return {
        name: 'mcap',
        description: `replay every device of the sample session's MCAP recording (${mb.toFixed(1)} MB, ${summary.messages} messages, ${devices.length} devices) to the end`,
        figures,
        ratios: {
          'independent/shared': ratio('independent', 'shared'),
          'indexed/shared': ratio('indexed', 'shared'),
          'independent/shared (CPU)': (cpu.independent ?? Number.NaN) / (cpu.shared ?? Number.NaN),
          'indexed/shared (CPU)': (cpu.indexed ?? Number.NaN) / (cpu.shared ?? Number.NaN),
        },
        notes: [
          `medians of ${rounds} round(s), modes interleaved; every mode decodes all ${summary.messages} messages into HAL samples`,
          `shared reader: ${stats1.passes - stats0.passes} pass(es) over the file for ${stats1.subscriptions - stats0.subscriptions} devices, ${stats1.detached - stats0.detached} detached`,
          `independent: ${devices.length} scans of the whole file per replay (${devices.map((d) => d.id).join(', ')})`,
        ],
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

export default suite;
