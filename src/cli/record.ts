/**
 * `karana record`: records a session (the bundled sample by default; a session.toml, a folder, an EuRoC
 * folder or an `.mcap` recording) to an MCAP file. Format, clocks and crash safety: `docs/recording.md`.
 *
 *   karana record [--session PATH] [--out FILE.mcap] [--duration S] [--topics imu0,cam*] [--chunk-size BYTES]
 *                 [--compression zstd|none] [--fsync chunk|close|none] [--speed X] [--quiet]
 *
 * Ctrl-C (SIGINT) or SIGTERM stops reading and finishes the file (summary and footer, exit code 0).
 */
import { resolve } from 'node:path';
import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { openMcapSession } from '../../hal/mcap/session.js';
import type { FsyncPolicy } from '../../hal/mcap/writer.js';
import type { ChunkCompression } from '../../hal/mcap/compression.js';
import { loadSession } from '../../hal/session/index.js';
import type { Session } from '../../hal/session/index.js';
import { sampleSessionPath } from '../paths.js';
import { ProgressReporter } from '../record/progress.js';
import type { ProgressStream } from '../record/progress.js';
import { recordSession } from '../record/record.js';
import type { RecordSummary } from '../record/record.js';

export interface RecordCommandOptions {
  readonly session?: string;
  readonly out: string;
  readonly durationS?: number;
  readonly topics?: readonly string[];
  readonly chunkSizeBytes?: number;
  readonly compression?: ChunkCompression;
  readonly fsync?: FsyncPolicy;
  /** 0 = as fast as possible (default), 1 = recorded timing. */
  readonly speed?: number;
  readonly quiet?: boolean;
  /** Where progress goes (default stderr). */
  readonly progress?: ProgressStream;
}

/** Opens a session or a recording: `.mcap` files through the mcap driver, the rest through `loadSession`. */
export async function openAnySession(path: string): Promise<Session> {
  return path.toLowerCase().endsWith('.mcap') ? openMcapSession(path) : loadSession(path);
}

/** Runs `karana record`; resolves with the summary once the file is finished. */
export async function runRecordCommand(options: RecordCommandOptions): Promise<RecordSummary> {
  const session = await openAnySession(resolve(options.session ?? sampleSessionPath()));
  const err = options.progress ?? process.stderr;
  const log = (line: string): void => {
    if (options.quiet !== true) err.write(`${line}\n`);
  };
  for (const f of session.failed) log(`karana: device ${f.id} not available: ${f.error.message}`);
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // The bar's end: the session's duration or `--duration`, whichever comes first (none for an open-ended live session).
  const endNs = Math.min(session.durationNs ?? Number.POSITIVE_INFINITY, options.durationS === undefined ? Number.POSITIVE_INFINITY : options.durationS * 1e9);
  const reporter = options.quiet === true ? null : new ProgressReporter(err, undefined, Number.isFinite(endNs) ? endNs : undefined);
  try {
    log(`karana record: session "${session.name}" → ${options.out}`);
    const summary = await recordSession(session, {
      out: options.out,
      ...(options.topics === undefined ? {} : { topics: options.topics }),
      ...(options.durationS === undefined ? {} : { durationS: options.durationS }),
      ...(options.chunkSizeBytes === undefined ? {} : { chunkSizeBytes: options.chunkSizeBytes }),
      ...(options.compression === undefined ? {} : { compression: options.compression }),
      ...(options.fsync === undefined ? {} : { fsync: options.fsync }),
      speed: options.speed ?? 0,
      signal: controller.signal,
      ...(reporter === null ? {} : { onProgress: (p) => reporter.update(p) }),
    });
    const counts = Object.entries(summary.perDevice).map(([id, n]) => `${id} ${n}`).join(', ');
    log(`karana record: wrote ${summary.out}${summary.stopped ? ' (stopped early)' : ''}: ${counts}; ${summary.skipped} bad samples skipped`);
    for (const f of summary.failed) log(`karana record: device failed: ${f}`);
    return summary;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await session.close();
  }
}

function number(name: string, min: number, max = Number.POSITIVE_INFINITY): (value: string) => number {
  return (value) => {
    const v = Number(value);
    if (!Number.isFinite(v) || v < min || v > max) throw new InvalidArgumentError(`"${name}" must be a number in [${min}, ${max}], got "${value}"`);
    return v;
  };
}

/** `65536`, `256k`, `4M` → bytes. */
export function parseByteSize(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kKmM]?)i?[bB]?$/.exec(value.trim());
  const n = m === null ? Number.NaN : Number(m[1]) * (m[2] === '' ? 1 : m[2]?.toLowerCase() === 'k' ? 1024 : 1024 * 1024);
  if (!Number.isFinite(n) || n < 1024 || n > 1024 ** 3) throw new InvalidArgumentError(`"chunk-size" must be 1k to 1G bytes (e.g. 262144, 256k, 4M), got "${value}"`);
  return Math.round(n);
}

/** Adds `record` to the `karana` program. */
export function registerRecordCommand(program: Command): Command {
  return program
    .command('record')
    .description('record a session (default: the bundled sample) to an MCAP file Foxglove can open')
    .option('--session <path>', 'a session.toml, a folder holding one, an EuRoC/ASL folder, or an .mcap recording')
    .option('--out <file>', 'the MCAP file to write', 'recording.mcap')
    .option('--duration <s>', 'record this much session time (replay) or host time (live), s', number('duration', 0))
    .option('--topics <list>', 'devices to record: ids or topics, globs allowed (imu0,cam* or /cam0)', (v: string) => v.split(',').filter((t) => t.trim() !== ''))
    .option('--chunk-size <bytes>', 'close and write a chunk after this many bytes (at most this much is lost in a crash)', parseByteSize)
    .addOption(new Option('--compression <c>', 'chunk compression').choices(['zstd', 'none']).default('zstd'))
    .addOption(new Option('--fsync <when>', 'fdatasync after every chunk, only at close, or never').choices(['chunk', 'close', 'none']).default('chunk'))
    .option('--speed <x>', 'replayed sessions: 0 = as fast as possible, 1 = at the recorded timing', number('speed', 0, 1000), 0)
    .option('--quiet', 'no progress or summary')
    .action(async (o: { session?: string; out: string; duration?: number; topics?: string[]; chunkSize?: number; compression: ChunkCompression; fsync: FsyncPolicy; speed: number; quiet?: boolean }) => {
      await runRecordCommand({
        ...(o.session === undefined ? {} : { session: o.session }),
        out: resolve(o.out),
        ...(o.duration === undefined ? {} : { durationS: o.duration }),
        ...(o.topics === undefined ? {} : { topics: o.topics }),
        ...(o.chunkSize === undefined ? {} : { chunkSizeBytes: o.chunkSize }),
        compression: o.compression,
        fsync: o.fsync,
        speed: o.speed,
        quiet: o.quiet === true,
      });
    });
}
