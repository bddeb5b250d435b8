/**
 * Where synthesised speech goes: a WAV byte stream (RIFF, 16-bit PCM mono as espeak-ng writes it with
 * `--stdout`) handed to an {@link AudioSink}, injected into voice out.
 * - {@link aplaySink}: the device's speaker through ALSA's `aplay` (alsa-utils), which reads the WAV header;
 * - {@link wavFolderSink}: one `.wav` file per utterance in a folder (a machine without audio, CI, debugging);
 *   the header's sizes are fixed up at the end (espeak-ng writes 0x7FFFFFFF-ish sizes to a pipe);
 * - {@link discardSink}: counts the bytes and throws them away.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, type Writable } from 'node:stream';

/** One utterance's audio on its way out. */
export interface SinkStream {
  /** Write the WAV bytes here and end it. */
  readonly input: Writable;
  /** Resolves when the audio is out (played, written); rejects with the reason when it could not be. */
  readonly done: Promise<void>;
  /** Stop now (an interrupted utterance): stop playing, or discard the partial file. */
  abort(): void;
}

export interface AudioSink {
  readonly name: string;
  /** A stream for utterance `id` (the `seq`-th one opened). */
  open(id: string, seq: number): SinkStream;
}

export interface AplaySinkOptions {
  /** Default `/usr/bin/aplay`. */
  readonly binary?: string;
  /** ALSA PCM device (`-D`), e.g. `plughw:0,0`; default ALSA's default. */
  readonly device?: string;
}

/** Plays through `aplay -q [-D device] -` (it reads rate and format from the WAV header). */
export function aplaySink(options: AplaySinkOptions = {}): AudioSink {
  const binary = options.binary ?? '/usr/bin/aplay';
  return {
    name: `aplay${options.device === undefined ? '' : ` -D ${options.device}`}`,
    open() {
      const child = spawn(binary, ['-q', ...(options.device === undefined ? [] : ['-D', options.device]), '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdin.on('error', () => undefined); // EPIPE when aplay exits early: reported through `done`
      let aborted = false;
      const done = new Promise<void>((resolve, reject) => {
        child.once('error', (err: NodeJS.ErrnoException) => reject(new Error(err.code === 'ENOENT' ? `aplay not found at "${binary}": install it with \`apt-get install alsa-utils\`` : `aplay: ${err.message}`)));
        child.once('close', (code, signal) => {
          if (code === 0 || aborted) resolve();
          else reject(new Error(`aplay exited with ${code ?? signal}: ${lastLine(stderr)}`));
        });
      });
      return {
        input: child.stdin,
        done,
        abort() {
          aborted = true;
          child.kill('SIGTERM');
        },
      };
    },
  };
}

/** A WAV file per utterance in `dir` (created): `<seq>-<id>.wav`, id reduced to `[A-Za-z0-9._-]`. */
export function wavFolderSink(dir: string): AudioSink & { readonly files: readonly string[] } {
  const files: string[] = [];
  return {
    name: `wav files in ${dir}`,
    files,
    open(id, seq) {
      const path = join(dir, `${String(seq).padStart(4, '0')}-${id.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 60)}.wav`);
      const input = new PassThrough();
      let aborted = false;
      const done = (async () => {
        await mkdir(dir, { recursive: true });
        const out = createWriteStream(path);
        await new Promise<void>((resolve, reject) => {
          out.once('error', reject);
          input.once('error', reject);
          out.once('finish', resolve);
          input.pipe(out);
        });
        if (aborted) {
          await rm(path, { force: true });
          return;
        }
        await fixWavSizes(path);
        files.push(path);
      })();
      return {
        input,
        done,
        abort() {
          aborted = true;
          input.end();
        },
      };
    },
  };
}

/** Counts bytes and drops them. */
export function discardSink(): AudioSink & { readonly bytes: number } {
  let bytes = 0;
  return {
    name: 'discard',
    get bytes() {
      return bytes;
    },
    open() {
      const input = new PassThrough();
      input.on('data', (d: Buffer) => (bytes += d.length));
      const done = new Promise<void>((resolve) => input.once('end', resolve));
      return { input, done, abort: () => input.end() };
    },
  };
}

/**
 * Set the RIFF chunk size (bytes 4–7: file size − 8) and the `data` chunk size to what the file holds; a file
 * without the canonical 44-byte header of 16-bit PCM (`RIFF`, `WAVE`, `fmt ` of 16 bytes, `data`) is left as it is.
 */
export async function fixWavSizes(path: string): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    const { size } = await fh.stat();
    if (size < 44) return;
    const header = Buffer.alloc(44);
    await fh.read(header, 0, 44, 0);
    if (header.toString('latin1', 0, 4) !== 'RIFF' || header.toString('latin1', 8, 12) !== 'WAVE' || header.toString('latin1', 36, 40) !== 'data') return;
    header.writeUInt32LE(size - 8, 4);
    header.writeUInt32LE(size - 44, 40);
    await fh.write(header, 0, 44, 0);
  } finally {
    await fh.close();
  }
}

/** The last non-empty line of a tool's stderr (its own message, after library chatter), or "no message". */
export function lastLine(stderr: string): string {
  return stderr.split('\n').map((l) => l.trim()).filter((l) => l.length > 0).at(-1) ?? 'no message';
}
