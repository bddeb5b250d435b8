/**
 * Voice out with the real espeak-ng (/usr/bin/espeak-ng) on the bus: real WAVs (RIFF, PCM 16-bit mono 22 050 Hz,
 * sizes fixed up, duration growing with the text); utterances spoken in priority order; a critical alert killing
 * the espeak-ng process of a long normal utterance, spoken next, the normal one said again after it; a full queue
 * counting drops; a missing binary reported with the fix while requests are counted as failed; aplay on a machine
 * without a sound card failing per utterance with aplay's message.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Bus } from '../../src/bus/bus.js';
import type { Priority } from '../../src/bus/policy.js';
import { aplaySink, espeakSynthesizer, startVoiceOut, wavFolderSink, type AudioSink, type VoiceProcessEvent, type VoiceStateEvent } from '../../src/layers/interface/voice/index.js';
import { hasSoundCard, voiceFromOptions } from '../../src/layers/interface/voice/options.js';
import { writeFileSync } from 'node:fs';

const ESPEAK = '/usr/bin/espeak-ng';
const SHORT = 'Hello.';
const MEDIUM = 'Turn left at the next corridor, then walk ten metres.';
const LONG =
  'The Machine Hall sequence was recorded on a micro aerial vehicle flying through an industrial hall. ' +
  'It carries a stereo camera pair at twenty frames per second and an inertial measurement unit at two hundred samples per second, ' +
  'synchronised in hardware, with ground truth from a laser tracker and a motion capture system. ' +
  'Visual inertial odometry estimates the pose of the body from these measurements, frame after frame, and keeps the anchors in place.';

interface Wav {
  readonly riff: string;
  readonly wave: string;
  readonly format: number;
  readonly channels: number;
  readonly sampleRateHz: number;
  readonly bitsPerSample: number;
  readonly riffSize: number;
  readonly dataSize: number;
  readonly fileSize: number;
  readonly durationS: number;
}

/** The canonical 44-byte header of a PCM WAV, field by field. */
function readWav(path: string): Wav {
  const b = readFileSync(path);
  const sampleRateHz = b.readUInt32LE(24);
  const channels = b.readUInt16LE(22);
  const bitsPerSample = b.readUInt16LE(34);
  const dataSize = b.readUInt32LE(40);
  return {
    riff: b.toString('latin1', 0, 4),
    wave: b.toString('latin1', 8, 12),
    format: b.readUInt16LE(20), // 1 = PCM
    channels,
    sampleRateHz,
    bitsPerSample,
    riffSize: b.readUInt32LE(4),
    dataSize,
    fileSize: b.length,
    durationS: dataSize / (sampleRateHz * channels * (bitsPerSample / 8)),
  };
}

function setUp(sink: AudioSink, options: { binary?: string; capacity?: number } = {}) {
  const bus = new Bus({ now: () => 0 });
  const states: VoiceStateEvent[] = [];
  const processes: VoiceProcessEvent[] = [];
  bus.observe('voice.state').subscribe((e) => states.push(e.payload));
  const start = startVoiceOut({
    bus,
    synthesizer: espeakSynthesizer({ binary: options.binary ?? ESPEAK }),
    sink,
    settings: { capacity: options.capacity ?? 16, maxTextChars: 2000 },
    onProcess: (e) => processes.push(e),
  });
  const say = (id: string, priority: Priority, text: string): void => void bus.publish('voice.say', { tNs: 0, id, text, priority });
  return { bus, states, processes, start, say };
}

async function waitUntil(predicate: () => boolean): Promise<void> {
  while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** A sink that holds the audio of the utterances named in `hold` (the synthesiser blocks on the full pipe). */
function holdingSink(inner: AudioSink, hold: Set<string>): AudioSink {
  return {
    name: `holding ${inner.name}`,
    open(id, seq) {
      if (!hold.has(id)) return inner.open(id, seq);
      const input = new PassThrough({ highWaterMark: 1024 });
      let ended!: () => void;
      const done = new Promise<void>((resolve) => (ended = resolve));
      return { input, done, abort: () => ended() };
    },
  };
}

describe.runIf(existsSync(ESPEAK))('voice out with espeak-ng', () => {
  it('writes real WAVs: RIFF, PCM 16-bit mono 22050 Hz, duration growing with the text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'karana-voice-'));
    const sink = wavFolderSink(dir);
    const v = setUp(sink);
    const voice = await v.start;
    v.say('short', 'normal', SHORT);
    v.say('medium', 'normal', MEDIUM);
    v.say('long', 'normal', LONG);
    await waitUntil(() => voice.state().spoken === 3);
    await voice.close();
    const wavs = sink.files.map(readWav);
    console.log(sink.files.map((f, i) => `${f.split('/').pop()}: ${wavs[i]?.durationS.toFixed(2)} s, ${wavs[i]?.fileSize} bytes`).join('\n'));
    expect(sink.files.map((f) => f.split('/').pop())).toEqual(['0001-short.wav', '0002-medium.wav', '0003-long.wav']);
    for (const w of wavs) {
      expect(w).toMatchObject({ riff: 'RIFF', wave: 'WAVE', format: 1, channels: 1, sampleRateHz: 22050, bitsPerSample: 16 });
      expect(w.riffSize).toBe(w.fileSize - 8);
      expect(w.dataSize).toBe(w.fileSize - 44);
    }
    const [short, medium, long] = wavs as [Wav, Wav, Wav];
    expect(short.durationS).toBeGreaterThan(0.2);
    expect(medium.durationS).toBeGreaterThan(short.durationS * 3);
    expect(long.durationS).toBeGreaterThan(medium.durationS * 3);
    // 175 words per minute: the long text has 73 words ≈ 25 s, with pauses at the full stops.
    expect(long.durationS).toBeGreaterThan(18);
    expect(long.durationS).toBeLessThan(40);
    expect(v.states.at(-1)).toMatchObject({ speakingId: null, queued: 0, spoken: 3, interrupted: 0, dropped: 0, failed: 0, available: true, error: null });
  }, 60_000);

  it('speaks in priority order: high, then normal, then low, first in first out within one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'karana-voice-'));
    const sink = wavFolderSink(dir);
    const v = setUp(sink);
    const voice = await v.start;
    v.say('first', 'low', SHORT); // starts at once
    v.say('low-1', 'low', SHORT);
    v.say('normal-1', 'normal', SHORT);
    v.say('high-1', 'high', SHORT);
    v.say('normal-2', 'normal', SHORT);
    v.say('high-2', 'high', SHORT);
    await waitUntil(() => voice.state().spoken === 6);
    await voice.close();
    expect(v.processes.filter((p) => p.kind === 'spoken').map((p) => p.id)).toEqual(['first', 'high-1', 'high-2', 'normal-1', 'normal-2', 'low-1']);
    expect(sink.files.map((f) => f.split('/').pop()?.slice(5))).toEqual(['first.wav', 'high-1.wav', 'high-2.wav', 'normal-1.wav', 'normal-2.wav', 'low-1.wav']);
  }, 60_000);

  it('a critical alert kills the espeak-ng of a long normal utterance, is spoken next, then the normal one again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'karana-voice-'));
    const files = wavFolderSink(dir);
    const hold = new Set(['directions']);
    const v = setUp(holdingSink(files, hold));
    const voice = await v.start;
    v.say('directions', 'normal', LONG);
    await waitUntil(() => v.processes.some((p) => p.kind === 'started'));
    const first = v.processes[0] as Extract<VoiceProcessEvent, { kind: 'started' }>;
    hold.clear(); // the second attempt plays through
    v.say('battery', 'critical', 'Battery critical. Saving your work.');
    await waitUntil(() => voice.state().spoken === 2);
    await voice.close();
    expect(v.processes.map((p) => `${p.kind}:${p.id}`)).toEqual(['started:directions', 'stopped:directions', 'started:battery', 'spoken:battery', 'started:directions', 'spoken:directions']);
    const stopped = v.processes[1] as Extract<VoiceProcessEvent, { kind: 'stopped' }>;
    expect(stopped.pid).toBe(first.pid);
    expect(() => process.kill(first.pid as number, 0)).toThrow(/ESRCH/); // the process is gone
    expect(files.files.map((f) => f.split('/').pop())).toEqual(['0002-battery.wav', '0003-directions.wav']);
    expect(readWav(files.files[1] as string).durationS).toBeGreaterThan(18); // said again in full
    expect(v.states.at(-1)).toMatchObject({ spoken: 2, interrupted: 1, dropped: 0, failed: 0 });
    expect(v.states.some((s) => s.speakingId === 'battery' && s.speakingPriority === 'critical')).toBe(true);
  }, 60_000);

  it('a full queue drops the lowest-priority oldest and counts it in voice.state', async () => {
    const hold = new Set(['busy']);
    const dir = mkdtempSync(join(tmpdir(), 'karana-voice-'));
    const v = setUp(holdingSink(wavFolderSink(dir), hold), { capacity: 2 });
    const voice = await v.start;
    v.say('busy', 'normal', MEDIUM);
    v.say('low-1', 'low', SHORT);
    v.say('normal-1', 'normal', SHORT);
    v.say('low-2', 'low', SHORT);
    v.say('high-1', 'high', SHORT);
    await waitUntil(() => v.states.some((s) => s.dropped === 2));
    await voice.close();
    const last = v.states.find((s) => s.dropped === 2);
    expect(last).toMatchObject({ speakingId: 'busy', queued: 2, dropped: 2, lastDone: { id: 'low-2', outcome: 'dropped', reason: 'queue full (2 waiting)' } });
    expect(voice.state().queue.map((u) => u.id)).toEqual(['high-1', 'normal-1']);
  }, 60_000);

  it('a missing espeak-ng is reported with the fix; requests fail, nothing throws', async () => {
    const v = setUp(wavFolderSink(mkdtempSync(join(tmpdir(), 'karana-voice-'))), { binary: '/opt/none/espeak-ng' });
    const voice = await v.start;
    expect(v.states[0]).toMatchObject({ available: false, error: 'espeak-ng not found at "/opt/none/espeak-ng": install it with `apt-get install espeak-ng` (Debian/Ubuntu), or give its path' });
    v.say('hello', 'critical', SHORT);
    await waitUntil(() => v.states.length >= 2);
    expect(v.states[1]).toMatchObject({ failed: 1, lastDone: { id: 'hello', outcome: 'failed' } });
    expect(v.states[1]?.lastDone?.reason).toContain('apt-get install espeak-ng');
    await voice.close();
  });

  it.runIf(existsSync('/usr/bin/aplay'))('aplay without a sound card: each utterance fails with aplay\'s message, the queue goes on', async () => {
    if (await hasSoundCard()) return; // a machine with a speaker would play it: nothing to check here
    const v = setUp(aplaySink());
    const voice = await v.start;
    v.say('one', 'normal', SHORT);
    v.say('two', 'normal', SHORT);
    await waitUntil(() => voice.state().failed === 2);
    await voice.close();
    console.log(`aplay: ${voice.state().lastDone?.reason}`);
    expect(voice.state().lastDone).toMatchObject({ id: 'two', outcome: 'failed', reason: 'aplay exited with 1: aplay: main:831: audio open error: No such file or directory' });
  }, 30_000);

  it('karana run\'s flags: wav:DIR, discard with a missing binary (summary says the fix), off when not asked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'karana-voice-'));
    const bus = new Bus({ now: () => 0 });
    const wav = await voiceFromOptions({ voice: `wav:${dir}` }, bus);
    expect(wav.summary).toBe(`voice out: espeak-ng (en-us, 175 wpm) → wav files in ${dir}`);
    await wav.voice?.close();
    const missing = await voiceFromOptions({ voice: 'discard', espeak: '/opt/none/espeak-ng' }, bus);
    expect(missing.summary).toBe('voice out unavailable: espeak-ng not found at "/opt/none/espeak-ng": install it with `apt-get install espeak-ng` (Debian/Ubuntu), or give its path');
    await missing.voice?.close();
    expect(await voiceFromOptions({}, bus)).toEqual({ voice: null, summary: 'voice out off (--voice off)' });
    // ALSA's card list: "--- no soundcards ---" on a machine without audio, " 0 [PCH ]: HDA-Intel - …" with one.
    writeFileSync(join(dir, 'none'), '--- no soundcards ---\n');
    writeFileSync(join(dir, 'one'), ' 0 [PCH            ]: HDA-Intel - HDA Intel PCH\n                      HDA Intel PCH at 0xf7f10000 irq 33\n');
    expect([await hasSoundCard(join(dir, 'none')), await hasSoundCard(join(dir, 'one')), await hasSoundCard(join(dir, 'absent'))]).toEqual([false, true, false]);
  });
});
