/**
 * An emulated `arecord` (alsa-utils) behind the {@link Spawner} interface: it reads the same arguments
 * (`-D <device> -f S16_LE -r <rate> -c <channels> -t raw`) and streams a REAL recording
 * (`../shared/data/audio/*.wav`, read with wavefile; resampled by wavefile when the rate differs) to stdout as
 * raw S16_LE PCM, at real-time pace (one ALSA period — 1024 frames, 64 ms at 16 kHz — per period) or as fast
 * as the reader takes it (`asap`, with pipe back-pressure). What a real capture device would complain about
 * comes out on stderr with arecord's own wording and exit status 1: a device not in `devices`
 * (`audio open error: No such file or directory`), `busy`, `denied`, a channel count the recording lacks
 * (`Channels count non available`, as a `hw:` device says), a format other than S16_LE, and `unplugAfterMs`
 * (`read error: No such device`). At the end of the recording it exits 0 (as `arecord -d`), or loops.
 */
import { PassThrough } from 'node:stream';
import wavefile from 'wavefile';
import type { ProcessExit, SpawnedProcess, Spawner } from '../../alsa/spawner.js';

export interface EmulatedArecordOptions {
  /** The recording (RIFF WAVE). */
  readonly wavPath: string;
  /** ALSA device names that exist, default `['default', 'hw:1,0', 'plughw:1,0']`. */
  readonly devices?: readonly string[];
  /** Default `asap`. */
  readonly pace?: 'realtime' | 'asap';
  /** Default `exit`. */
  readonly atEnd?: 'exit' | 'loop';
  /** Fault: the device is held by another program, or not permitted. */
  readonly fault?: 'busy' | 'denied';
  /** Fault: the microphone is unplugged this long after capture starts, ms. */
  readonly unplugAfterMs?: number;
  /** Bytes written per write in `asap` pace (default 4096, arecord's typical read size). */
  readonly writeBytes?: number;
}

const PERIOD_FRAMES = 1024;

function argValue(args: readonly string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

/** PCM of the recording as S16_LE bytes at `rate` Hz, or the reason it cannot be (channel count). */
async function pcmOf(path: string, rate: number, channels: number): Promise<Buffer | string> {
  const { readFile } = await import('node:fs/promises');
  const wav = new wavefile.WaveFile(await readFile(path));
  const fmt = wav.fmt as { numChannels?: number; sampleRate?: number };
  if (fmt.numChannels !== channels) return `Channels count non available`;
  if (wav.bitDepth !== '16') wav.toBitDepth('16');
  if (fmt.sampleRate !== rate) wav.toSampleRate(rate);
  const samples = wav.getSamples(true, Int16Array) as unknown as Int16Array;
  return Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
}

/** A {@link Spawner} whose `arecord` (that exact command) is the emulator; any other command fails with ENOENT. */
export function emulatedArecord(options: EmulatedArecordOptions): Spawner {
  return (command, args) => {
    const stdout = new PassThrough({ highWaterMark: 16384 });
    const stderr = new PassThrough();
    let done!: (e: ProcessExit) => void;
    const exited = new Promise<ProcessExit>((resolve) => (done = resolve));
    let stopped = false;
    const exit = (code: number | null, signal: string | null, message?: string): void => {
      if (stopped) return;
      stopped = true;
      if (message !== undefined) stderr.write(`arecord: ${message}\n`);
      stdout.end();
      stderr.end();
      done({ code, signal });
    };
    const base = command;
    const spawned = base === 'arecord' ? Promise.resolve() : Promise.reject(Object.assign(new Error(`spawn ${command} ENOENT`), { code: 'ENOENT' }));
    spawned.catch(() => undefined);
    const proc: SpawnedProcess = { stdout, stderr, spawned, exited, kill: (signal = 'SIGTERM') => exit(null, signal) };
    if (base !== 'arecord') {
      done({ code: null, signal: null });
      return proc;
    }
    void (async () => {
      await new Promise((r) => setImmediate(r));
      const device = argValue(args, '-D') ?? 'default';
      const rate = Number(argValue(args, '-r') ?? 8000);
      const channels = Number(argValue(args, '-c') ?? 1);
      if (!(options.devices ?? ['default', 'hw:1,0', 'plughw:1,0']).includes(device)) return exit(1, null, 'main:850: audio open error: No such file or directory');
      if (options.fault === 'busy') return exit(1, null, 'main:850: audio open error: Device or resource busy');
      if (options.fault === 'denied') return exit(1, null, 'main:850: audio open error: Permission denied');
      if (argValue(args, '-f') !== 'S16_LE' || argValue(args, '-t') !== 'raw') return exit(1, null, 'set_params:1343: Sample format non available');
      const pcm = await pcmOf(options.wavPath, rate, channels);
      if (typeof pcm === 'string') return exit(1, null, `set_params:1352: ${pcm}`);
      const started = Date.now();
      const periodBytes = PERIOD_FRAMES * 2 * channels;
      const step = options.pace === 'realtime' ? periodBytes : (options.writeBytes ?? 4096);
      for (let at = 0; !stopped; at += step) {
        if (at >= pcm.length) {
          if (options.atEnd !== 'loop') return exit(0, null);
          at = 0;
        }
        if (options.unplugAfterMs !== undefined && Date.now() - started >= options.unplugAfterMs) return exit(1, null, 'pcm_read:2221: read error: No such device');
        const ok = stdout.write(pcm.subarray(at, Math.min(pcm.length, at + step)));
        if (options.pace === 'realtime') {
          const due = started + (((at + step) / periodBytes) * PERIOD_FRAMES * 1000) / rate;
          await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
        } else if (!ok) await new Promise((r) => stdout.once('drain', r));
        else await new Promise((r) => setImmediate(r));
      }
    })();
    return proc;
  };
}
