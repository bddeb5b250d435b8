/**
 * Speech synthesis with espeak-ng (https://github.com/espeak-ng/espeak-ng, Debian package `espeak-ng`): one
 * process per utterance, `espeak-ng --stdout -v <voice> -s <wpm>`, text on stdin (so text starting with `-` is
 * never taken for an option), a RIFF/WAV stream on stdout (16-bit PCM, mono, 22 050 Hz for the default voices)
 * piped into the {@link AudioSink}. Stopping an utterance kills its process (SIGKILL: it holds no state worth a
 * graceful exit) and aborts the sink.
 */
import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { lastLine, type AudioSink } from './sinks.js';

export interface SpeechJob {
  /** Process id of the synthesiser (for logs and tests). */
  readonly pid: number | undefined;
  /** Resolves when the utterance is out; rejects with the reason (never for a stopped job: it resolves `'stopped'`). */
  readonly done: Promise<'spoken' | 'stopped'>;
  stop(): void;
}

export interface Synthesizer {
  readonly name: string;
  /** Resolves when the synthesiser can run; rejects with an error that says how to fix it. */
  check(): Promise<void>;
  speak(text: string, sink: AudioSink, id: string, seq: number): SpeechJob;
}

export interface EspeakOptions {
  /** Default `/usr/bin/espeak-ng` (Debian). */
  readonly binary?: string;
  /** espeak-ng voice (`-v`), default `en-us`. */
  readonly voice?: string;
  /** Speed, words per minute (`-s`, 80–450), default 175 (espeak-ng's default). */
  readonly wordsPerMinute?: number;
}

/** The error for a missing binary, with the fix. */
export function missingEspeakMessage(binary: string): string {
  return `espeak-ng not found at "${binary}": install it with \`apt-get install espeak-ng\` (Debian/Ubuntu), or give its path`;
}

export function espeakSynthesizer(options: EspeakOptions = {}): Synthesizer {
  const binary = options.binary ?? '/usr/bin/espeak-ng';
  const voice = options.voice ?? 'en-us';
  const wpm = options.wordsPerMinute ?? 175;
  if (!(wpm >= 80 && wpm <= 450)) throw new RangeError(`"wordsPerMinute" must be in [80, 450], got ${wpm}`);
  return {
    name: `espeak-ng (${voice}, ${wpm} wpm)`,
    async check() {
      try {
        await access(binary, constants.X_OK);
      } catch {
        throw new Error(missingEspeakMessage(binary));
      }
    },
    speak(text, sink, id, seq) {
      const child = spawn(binary, ['--stdout', '-v', voice, '-s', String(wpm)], { stdio: ['pipe', 'pipe', 'pipe'] });
      const out = sink.open(id, seq);
      out.done.catch(() => undefined); // a sink that fails early (aplay without a card) is reported through `done` below
      let stopped = false;
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdin.on('error', () => undefined); // EPIPE if it dies first: reported by its exit
      child.stdout.pipe(out.input);
      child.stdin.end(text);
      const exited = new Promise<void>((resolve, reject) => {
        child.once('error', (err: NodeJS.ErrnoException) => reject(new Error(err.code === 'ENOENT' ? missingEspeakMessage(binary) : `espeak-ng: ${err.message}`)));
        child.once('close', (code, signal) => {
          if (code === 0 || stopped) resolve();
          else reject(new Error(`espeak-ng exited with ${code ?? signal}: ${lastLine(stderr)}`));
        });
      });
      const done = (async (): Promise<'spoken' | 'stopped'> => {
        try {
          await exited;
        } catch (err) {
          out.abort();
          await out.done.catch(() => undefined);
          throw err;
        }
        await out.done;
        return stopped ? 'stopped' : 'spoken';
      })();
      return {
        pid: child.pid,
        done,
        stop() {
          if (stopped) return;
          stopped = true;
          child.kill('SIGKILL');
          out.abort();
        },
      };
    },
  };
}
