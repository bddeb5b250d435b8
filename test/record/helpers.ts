/**
 * Helpers of the recording tests: the samples a session should record (with a hash of each encoded message),
 * what an MCAP file holds, read back with the project's reader, and `karana record` run as a child process.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { encodeSample } from '../../hal/mcap/codec.js';
import type { AnySample } from '../../hal/mcap/codec.js';
import { scanMcap } from '../../hal/mcap/scan.js';
import { loadSession } from '../../hal/session/index.js';
import { SampleError } from '../../hal/types.js';
import { ROOT } from '../hal/data.js';

export const SAMPLE_SESSION = join(ROOT, 'hal/sessions/sample/session.toml');

/** One message: device, session time (logTime), device time (publishTime), sha1 of the payload. */
export interface Msg {
  readonly deviceId: string;
  readonly tNs: bigint;
  readonly deviceTimeNs: bigint;
  readonly hash: string;
}

const sha1 = (bytes: Uint8Array): string => createHash('sha1').update(bytes).digest('hex');

/**
 * What recording `sessionPath` must give, in file order: every sample in the session span, merged by session
 * time (ties: device order), read straight from the session's own drivers.
 */
export async function expectedMessages(sessionPath: string): Promise<Msg[]> {
  const session = await loadSession(sessionPath);
  const end = session.durationNs ?? Number.POSITIVE_INFINITY;
  const all: (Msg & { readonly index: number; readonly n: number })[] = [];
  try {
    for (const [index, d] of session.devices.entries()) {
      for (let n = 0; ; n++) {
        let s: AnySample | null;
        try {
          s = (await d.device.read());
        } catch (err) {
          if (err instanceof SampleError) continue;
          throw err;
        }
        if (s === null) break;
        const tNs = d.toSessionNs(s.deviceTimeNs);
        if (tNs < 0) continue;
        if (tNs > end) break;
        const id = d.device.info.id;
        all.push({ deviceId: id, tNs: BigInt(Math.round(tNs)), deviceTimeNs: s.deviceTimeNs, hash: sha1(encodeSample(d.device.info.kind, id, s)), index, n });
      }
    }
  } finally {
    await session.close();
  }
  all.sort((a, b) => (a.tNs < b.tNs ? -1 : a.tNs > b.tNs ? 1 : a.index - b.index || a.n - b.n));
  return all.map(({ deviceId, tNs, deviceTimeNs, hash }) => ({ deviceId, tNs, deviceTimeNs, hash }));
}

export interface ReadBack {
  readonly messages: Msg[];
  readonly complete: boolean;
  readonly damage: string[];
}

/** Every message of `file` in file order, through the project's reader (`scanMcap`). */
export async function readBack(file: string): Promise<ReadBack> {
  const topics = new Map<number, string>();
  const messages: Msg[] = [];
  const damage: string[] = [];
  let complete = false;
  for await (const item of scanMcap(file)) {
    if (item.type === 'channel') topics.set(item.channel.id, item.channel.metadata.get('karana.deviceId') ?? item.channel.topic);
    if (item.type === 'message') {
      const m = item.message;
      messages.push({ deviceId: topics.get(m.channelId) ?? '?', tNs: m.logTime, deviceTimeNs: m.publishTime, hash: sha1(m.data) });
    }
    if (item.type === 'damage') damage.push(`byte ${item.offset}: ${item.message}`);
    if (item.type === 'end') complete = item.complete;
  }
  return { messages, complete, damage };
}

export interface RecordChild {
  readonly child: ChildProcess;
  /** Resolves when a progress line reports at least `n` chunks. */
  chunksAtLeast(n: number): Promise<number>;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

/** Starts `karana record …args` as a child process (TypeScript sources through Vite's module runner). */
export function spawnRecord(args: readonly string[]): RecordChild {
  const entry = join(ROOT, 'test/record/cli-entry.ts');
  const code = `const { runnerImport } = await import('vite'); await runnerImport(${JSON.stringify(entry)}, { configFile: false, logLevel: 'error' });`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code, 'record', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const watchers: { n: number; resolve: (chunks: number) => void }[] = [];
  const onData = (chunk: Buffer): void => {
    text += chunk.toString();
    const counts = [...text.matchAll(/(\d+) chunks/g)].map((m) => Number(m[1]));
    const latest = counts.length > 0 ? Math.max(...counts) : 0;
    for (const w of watchers.filter((x) => latest >= x.n)) {
      watchers.splice(watchers.indexOf(w), 1);
      w.resolve(latest);
    }
  };
  child.stderr?.on('data', onData);
  child.stdout?.on('data', (c: Buffer) => (text += c.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    exit,
    output: () => text,
    chunksAtLeast: (n) =>
      new Promise<number>((resolve, reject) => {
        watchers.push({ n, resolve });
        void exit.then(() => reject(new Error(`karana record exited before writing ${n} chunks:\n${text}`)));
        onData(Buffer.alloc(0));
      }),
  };
}
