/**
 * `alsa`: a microphone captured with `arecord -D <device> -f S16_LE -r <rate> -c <channels> -t raw -q`
 * (alsa-utils, arecord(1)) running as a child process through a {@link Spawner}: the real program on a
 * device, the emulator (`hal/emulators/alsa/`) on a laptop; the parsing below is the same for both.
 *
 * Samples: {@link AudioChunk} of `chunkSamples` sample frames (default 512 = 32 ms at 16 kHz, the Silero VAD
 * window), Float32 in [-1, 1) (`pcm.ts`). Clocks: `deviceTimeNs` = the audio clock (sample frames since
 * capture started / rate); `hostTimeNs` = `hostNowNs()` when the read completing the chunk arrived.
 * Default 16 kHz mono, what the speech models take.
 *
 * Errors: `open()` waits for the first bytes and throws a {@link DeviceError} with the fix when arecord is
 * missing (install alsa-utils), the device does not exist (list with `arecord -l`), is busy (another program
 * records from it: use `dsnoop` or stop it), is not permitted (the `audio` group), or cannot do the rate,
 * format or channel count (use `plughw:`). arecord exiting later (a USB microphone unplugged) fails the
 * device with arecord's own message.
 */
import { LiveDevice, hostNowNs } from '../live/live-device.js';
import { DeviceError } from '../types.js';
import type { AudioChunk, AudioInfo } from '../types.js';
import { S16LeChunker } from './pcm.js';
import { lastLines, nodeSpawner, startTool } from './spawner.js';
import type { SpawnedProcess, Spawner } from './spawner.js';

export const ARECORD_INSTALL_HINT = 'install it with "apt-get install alsa-utils"';

export interface AlsaMicrophoneOptions {
  readonly id: string;
  /** ALSA PCM name (`parseAlsaSpec`), e.g. `hw:1,0`, `plughw:CARD=Device,DEV=0`, `default`. */
  readonly device: string;
  /** Default 16000. */
  readonly sampleRateHz?: number;
  /** Default 1. */
  readonly channels?: number;
  /** Sample frames per chunk, default 512. */
  readonly chunkSamples?: number;
  /** Default `arecord` from PATH. */
  readonly arecordPath?: string;
  readonly spawner?: Spawner;
  /** How long `open()` waits for the first bytes, ms (default 5000). */
  readonly openTimeoutMs?: number;
  /** Chunks held for a slow reader, default 64 (2 s). */
  readonly queueCapacity?: number;
}

/** What to do about arecord's complaint, by the ALSA error text it printed (snd_strerror). */
function alsaHint(stderr: string, device: string): string {
  if (/busy/i.test(stderr)) return `${device} is busy: another program records from it (find it with "fuser -v /dev/snd/*"), or share it through a dsnoop device`;
  if (/No such file or directory|No such device|cannot find card|Invalid card|Unknown PCM/i.test(stderr)) return `no such ALSA capture device ${device}: list them with "arecord -l" (card N, device M → alsa:hw:N,M)`;
  if (/Permission denied/i.test(stderr)) return 'permission denied: add the user to the "audio" group (sudo usermod -aG audio $USER, then log in again)';
  if (/non available|not available|Invalid argument/i.test(stderr)) return `${device} cannot capture in this rate, format or channel count: use plughw: instead of hw: (it converts), e.g. alsa:plug${device.startsWith('hw:') ? device : `hw:${device}`}`;
  return '';
}

export class AlsaMicrophone extends LiveDevice<AudioInfo, AudioChunk> {
  readonly #options: AlsaMicrophoneOptions;
  #process: SpawnedProcess | undefined;
  #closing = false;

  constructor(options: AlsaMicrophoneOptions) {
    const rate = options.sampleRateHz ?? 16_000;
    const chunkSamples = options.chunkSamples ?? 512;
    for (const [name, v] of [['sampleRateHz', rate], ['channels', options.channels ?? 1], ['chunkSamples', chunkSamples]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new DeviceError(options.id, `"${name}" must be a positive integer, got ${v}`);
    }
    super(
      { id: options.id, kind: 'audio', driver: 'alsa', replay: false, nominalRateHz: rate, source: `alsa:${options.device}`, sampleRateHz: rate, channels: options.channels ?? 1, chunkSamples },
      { queueCapacity: options.queueCapacity ?? 64 },
    );
    this.#options = options;
  }

  /** The arecord command line for this device (for logs and `karana doctor`). */
  get args(): string[] {
    const { sampleRateHz, channels } = this.info;
    return ['-D', this.#options.device, '-f', 'S16_LE', '-r', String(sampleRateHz), '-c', String(channels), '-t', 'raw', '-q'];
  }

  protected async openDevice(): Promise<AudioInfo> {
    const { id, device } = this.#options;
    const tool = this.#options.arecordPath ?? 'arecord';
    const { sampleRateHz, channels, chunkSamples } = this.info;
    this.#closing = false;
    const started = await startTool(this.#options.spawner ?? nodeSpawner, tool, this.args, id, ARECORD_INSTALL_HINT);
    const proc = started.proc;
    this.#process = proc;
    const chunker = new S16LeChunker(sampleRateHz, channels, chunkSamples);
    let running!: () => void;
    let refuse!: (e: Error) => void;
    const firstBytes = new Promise<void>((resolve, reject) => {
      running = resolve;
      refuse = reject;
    });
    firstBytes.catch(() => undefined);
    proc.stdout.on('data', (bytes: Buffer) => {
      running();
      const now = hostNowNs();
      for (const chunk of chunker.push(bytes, now)) this.push(chunk);
    });
    const failure = (why: string): DeviceError => {
      const detail = lastLines(started.stderr());
      const hint = alsaHint(started.stderr(), device);
      return new DeviceError(id, `alsa:${device}: ${why}${detail !== '' ? `: ${detail}` : ''}${hint !== '' ? `; ${hint}` : ''}`);
    };
    void proc.exited.then(({ code, signal }) => {
      const error = failure(code === 0 ? 'arecord ended' : `arecord exited (${code !== null ? `code ${code}` : `signal ${signal ?? '?'}`})`);
      refuse(error);
      if (!this.#closing) this.fail(error);
    });
    const timeoutMs = this.#options.openTimeoutMs ?? 5000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(failure(`no audio within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([firstBytes, timeout]);
    } finally {
      clearTimeout(timer);
    }
    return this.info;
  }

  protected async closeDevice(): Promise<void> {
    const proc = this.#process;
    this.#process = undefined;
    this.#closing = true;
    if (proc === undefined) return;
    proc.kill('SIGTERM');
    const killed = setTimeout(() => proc.kill('SIGKILL'), 2000);
    await proc.exited;
    clearTimeout(killed);
  }
}
