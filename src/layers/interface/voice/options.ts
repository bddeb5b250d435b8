/**
 * `karana run`'s voice flags and how they become a {@link VoiceOut}:
 * `--voice <auto|aplay|discard|off|wav:DIR>` (CLI default `auto`: the speaker through aplay when ALSA lists a
 * sound card in /proc/asound/cards, else discard; absent from the options object: off), `--voice-name <espeak-ng voice>`, `--espeak <path>`.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { Bus } from '../../../bus/bus.js';
import { espeakSynthesizer } from './espeak.js';
import { aplaySink, discardSink, wavFolderSink, type AudioSink } from './sinks.js';
import { startVoiceOut, type VoiceOut } from './voice-out.js';

export interface VoiceCliOptions {
  /** `auto`, `aplay`, `discard`, `off` or `wav:DIR`. */
  readonly voice?: string;
  readonly voiceName?: string;
  readonly espeak?: string;
}

function voiceSpec(value: string): string {
  if (['auto', 'aplay', 'discard', 'off'].includes(value) || (value.startsWith('wav:') && value.length > 4)) return value;
  throw new InvalidArgumentError(`"voice" must be auto, aplay, discard, off or wav:DIR, got "${value}"`);
}

/** Adds `--voice`, `--voice-name` and `--espeak` to `command`. */
export function addVoiceOptions(command: Command): Command {
  return command
    .option('--voice <out>', 'voice out (docs/voice.md): auto (speaker if ALSA has a card, else discard), aplay, discard, off, or wav:DIR (a WAV per utterance)', voiceSpec, 'auto')
    .option('--voice-name <v>', 'espeak-ng voice', 'en-us')
    .option('--espeak <path>', 'espeak-ng binary', '/usr/bin/espeak-ng');
}

/** Whether ALSA lists a sound card (`/proc/asound/cards` says "--- no soundcards ---" when not). */
export async function hasSoundCard(cardsFile = '/proc/asound/cards'): Promise<boolean> {
  try {
    const text = await readFile(cardsFile, 'utf8');
    return /^\s*\d+\s+\[/m.test(text);
  } catch {
    return false;
  }
}

/**
 * Voice out on `bus` as the flags ask, and a line for the log; null (and why) for `--voice off`. Never throws for
 * a missing espeak-ng: voice out then reports it in `voice.state` and the summary says how to fix it.
 */
export async function voiceFromOptions(options: VoiceCliOptions, bus: Bus): Promise<{ voice: VoiceOut | null; summary: string }> {
  const spec = options.voice ?? 'off'; // programmatic callers opt in; the CLI flag defaults to auto
  if (spec === 'off') return { voice: null, summary: 'voice out off (--voice off)' };
  let sink: AudioSink;
  if (spec.startsWith('wav:')) sink = wavFolderSink(resolve(spec.slice(4)));
  else if (spec === 'aplay' || (spec === 'auto' && (await hasSoundCard()))) sink = aplaySink();
  else sink = discardSink();
  const synthesizer = espeakSynthesizer({ ...(options.espeak === undefined ? {} : { binary: options.espeak }), ...(options.voiceName === undefined ? {} : { voice: options.voiceName }) });
  const voice = await startVoiceOut({ bus, synthesizer, sink });
  const s = voice.state();
  return { voice, summary: s.available ? `voice out: ${synthesizer.name} → ${sink.name}` : `voice out unavailable: ${s.error ?? 'unknown'}` };
}
