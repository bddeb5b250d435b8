/**
 * `karana doctor` for audio: the ALSA capture devices, from `arecord -l` (alsa-utils) or, without it, from
 * the kernel's `/proc/asound/cards` and `/proc/asound/pcm` (ALSA driver procfs, Documentation/sound/
 * designs/procfile.rst: `pcm` lines `CC-DD: id : name : playback N : capture N`).
 */
import { readFile } from 'node:fs/promises';
import { lastLines, nodeSpawner } from './spawner.js';
import type { Spawner } from './spawner.js';

/** A capture device: card and device numbers, names, and its spec for a session. */
export interface AlsaCaptureDevice {
  readonly card: number;
  readonly device: number;
  /** Card id (stable across reboots, for `hw:CARD=<id>,DEV=<n>`). */
  readonly cardId: string;
  readonly name: string;
  /** `alsa:hw:<card>,<device>`. */
  readonly spec: string;
}

export interface AlsaProbe {
  readonly devices: readonly AlsaCaptureDevice[];
  /** `arecord -l` or `/proc/asound`. */
  readonly via: string;
  /** What went wrong or what to do, when nothing was found. */
  readonly problems: readonly string[];
}

/** Parses `arecord -l` ("card 1: Device [USB Audio Device], device 0: USB Audio [USB Audio]"). */
export function parseArecordList(text: string): AlsaCaptureDevice[] {
  const out: AlsaCaptureDevice[] = [];
  for (const m of text.matchAll(/^card (\d+): (\S+) \[([^\]]*)\], device (\d+): ([^[\n]*)\[([^\]]*)\]/gm)) {
    const card = Number(m[1]);
    const device = Number(m[4]);
    out.push({ card, device, cardId: m[2] ?? '', name: `${m[3] ?? ''}: ${m[6] ?? ''}`.trim(), spec: `alsa:hw:${card},${device}` });
  }
  return out;
}

/** Parses `/proc/asound/pcm` lines with a capture stream ("01-00: USB Audio : USB Audio : capture 1"). */
export function parseProcPcm(pcm: string, cards: string): AlsaCaptureDevice[] {
  const ids = new Map<number, string>();
  for (const m of cards.matchAll(/^\s*(\d+) \[(\S+)\s*\]/gm)) ids.set(Number(m[1]), m[2] ?? '');
  const out: AlsaCaptureDevice[] = [];
  for (const m of pcm.matchAll(/^(\d+)-(\d+): ([^:]*): ([^:]*):.*capture \d+/gm)) {
    const card = Number(m[1]);
    const device = Number(m[2]);
    out.push({ card, device, cardId: ids.get(card) ?? '', name: (m[4] ?? '').trim(), spec: `alsa:hw:${card},${device}` });
  }
  return out;
}

/** Lists the capture devices (never throws). */
export async function probeAlsa(options: { spawner?: Spawner; procRoot?: string } = {}): Promise<AlsaProbe> {
  const problems: string[] = [];
  const proc = (options.spawner ?? nodeSpawner)('arecord', ['-l']);
  const text = (stream: NodeJS.ReadableStream): Promise<string> =>
    new Promise((resolve) => {
      let all = '';
      stream.setEncoding('utf8');
      stream.on('data', (t: string) => (all += t));
      stream.on('end', () => resolve(all));
      stream.on('error', () => resolve(all));
    });
  const [outText, errText] = [text(proc.stdout), text(proc.stderr)];
  const ran = await proc.spawned.then(
    () => true,
    () => false,
  );
  if (ran) {
    const [{ code }, out, err] = await Promise.all([proc.exited, outText, errText]);
    const devices = parseArecordList(out);
    if (code === 0 && devices.length > 0) return { devices, via: 'arecord -l', problems };
    problems.push(`arecord -l found no capture device${lastLines(err) !== '' ? ` (${lastLines(err)})` : ''}`);
  } else problems.push('arecord is not installed (apt-get install alsa-utils)');
  const root = options.procRoot ?? '/proc/asound';
  try {
    const [pcm, cards] = await Promise.all([readFile(`${root}/pcm`, 'utf8'), readFile(`${root}/cards`, 'utf8').catch(() => '')]);
    const devices = parseProcPcm(pcm, cards);
    if (devices.length === 0) problems.push(`${root}/pcm lists no capture stream: plug in a USB microphone or enable an I²S one (dtoverlay)`);
    return { devices, via: root, problems };
  } catch {
    problems.push(`${root} is missing: no ALSA sound card (the kernel has no sound driver loaded)`);
    return { devices: [], via: root, problems };
  }
}
