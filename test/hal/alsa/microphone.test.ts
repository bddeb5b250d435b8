/**
 * The alsa microphone driver on the emulated arecord streaming REAL audio (jfk.wav, 11 s of speech,
 * 16 kHz mono S16): the audio contract, chunks equal to the recording sample for sample (S16 / 32768),
 * the audio clock, real-time pace, and every error a user meets (arecord missing, no such device, busy,
 * not permitted, a channel count the device lacks, unplug) with its fix. Also the spec parser and the probe.
 */
import { readFile } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import wavefile from 'wavefile';
import { describe, expect, it } from 'vitest';
import { AlsaMicrophone } from '../../../hal/alsa/microphone.js';
import { parseArecordList, parseProcPcm, probeAlsa } from '../../../hal/alsa/probe.js';
import { parseAlsaSpec } from '../../../hal/alsa/spec.js';
import type { Spawner } from '../../../hal/alsa/spawner.js';
import { emulatedArecord } from '../../../hal/emulators/alsa/arecord.js';
import type { EmulatedArecordOptions } from '../../../hal/emulators/alsa/arecord.js';
import { DeviceError } from '../../../hal/types.js';
import { audioContract } from '../contract/audio.js';
import { JFK_WAV, drain, tmpFolder } from '../data.js';

const mic = (emu: Partial<EmulatedArecordOptions> = {}, device = 'hw:1,0', extra: Partial<ConstructorParameters<typeof AlsaMicrophone>[0]> = {}): AlsaMicrophone =>
  new AlsaMicrophone({ id: 'mic', device, spawner: emulatedArecord({ wavPath: JFK_WAV, ...emu }), ...extra });

async function jfkSamples(): Promise<Int16Array> {
  const wav = new wavefile.WaveFile(await readFile(JFK_WAV));
  return wav.getSamples(true, Int16Array) as unknown as Int16Array;
}

audioContract('alsa on the emulated arecord (jfk.wav)', { maxSamples: 40, create: () => mic() });

describe('alsa microphone', () => {
  it('delivers the recording sample for sample, on the audio clock, stamped on arrival', async () => {
    const truth = await jfkSamples();
    const m = mic();
    await m.open();
    expect(m.info).toMatchObject({ sampleRateHz: 16000, channels: 1, chunkSamples: 512, source: 'alsa:hw:1,0' });
    const { samples: chunks } = await drain(m, Math.floor(truth.length / 512));
    await m.close();
    expect(chunks.length).toBe(Math.floor(truth.length / 512));
    let mismatches = 0;
    chunks.forEach((c, k) => {
      expect(c.deviceTimeNs).toBe((BigInt(k * 512) * 1_000_000_000n) / 16000n);
      expect(typeof c.hostTimeNs).toBe('bigint');
      for (let i = 0; i < 512; i++) if (c.samples[i] !== (truth[k * 512 + i] ?? 0) / 32768) mismatches += 1;
    });
    expect(mismatches).toBe(0);
  });

  it('real-time pace delivers the same samples as as-fast-as-read, host stamps in order', async () => {
    const paced = mic({ pace: 'realtime' });
    await paced.open();
    const { samples: slow } = await drain(paced, 6);
    await paced.close();
    const fast = mic();
    await fast.open();
    const { samples: quick } = await drain(fast, 6);
    await fast.close();
    expect(slow.map((c) => Array.from(c.samples))).toEqual(quick.map((c) => Array.from(c.samples)));
    for (let i = 1; i < slow.length; i++) expect((slow[i]?.hostTimeNs ?? 0n) >= (slow[i - 1]?.hostTimeNs ?? 0n)).toBe(true);
  });

  it('says what to do for each failure, naming the device', async () => {
    await expect(mic({}, 'hw:1,0', { arecordPath: '/nonexistent/arecord' }).open()).rejects.toThrow(
      'mic: /nonexistent/arecord could not be started (ENOENT): install it with "apt-get install alsa-utils"',
    );
    await expect(mic({}, 'hw:3,0').open()).rejects.toThrow(
      'mic: alsa:hw:3,0: arecord exited (code 1): arecord: main:850: audio open error: No such file or directory; no such ALSA capture device hw:3,0: list them with "arecord -l" (card N, device M → alsa:hw:N,M)',
    );
    await expect(mic({ fault: 'busy' }).open()).rejects.toThrow(
      'mic: alsa:hw:1,0: arecord exited (code 1): arecord: main:850: audio open error: Device or resource busy; hw:1,0 is busy: another program records from it (find it with "fuser -v /dev/snd/*"), or share it through a dsnoop device',
    );
    await expect(mic({ fault: 'denied' }).open()).rejects.toThrow(/; permission denied: add the user to the "audio" group/);
    await expect(mic({}, 'hw:1,0', { channels: 2 }).open()).rejects.toThrow(
      'mic: alsa:hw:1,0: arecord exited (code 1): arecord: set_params:1352: Channels count non available; hw:1,0 cannot capture in this rate, format or channel count: use plughw: instead of hw: (it converts), e.g. alsa:plughw:1,0',
    );
  });

  it('an unplugged microphone: the chunks captured, then a DeviceError with arecord’s message, then null', async () => {
    const m = mic({ pace: 'realtime', unplugAfterMs: 200 });
    await m.open();
    const got: unknown[] = [];
    let failure: unknown;
    for (;;) {
      try {
        const c = await m.read();
        if (c === null) break;
        got.push(c);
      } catch (err) {
        failure = err;
      }
    }
    expect(got.length).toBeGreaterThan(2);
    expect(failure).toBeInstanceOf(DeviceError);
    expect((failure as Error).message).toBe('mic: alsa:hw:1,0: arecord exited (code 1): arecord: pcm_read:2221: read error: No such device; no such ALSA capture device hw:1,0: list them with "arecord -l" (card N, device M → alsa:hw:N,M)');
  });

  it('parses alsa: specs and rejects malformed ones with the expected form', () => {
    expect(parseAlsaSpec('alsa:hw:1,0')).toBe('hw:1,0');
    expect(parseAlsaSpec('alsa:plughw:CARD=Device,DEV=0')).toBe('plughw:CARD=Device,DEV=0');
    expect(parseAlsaSpec('alsa:default')).toBe('default');
    for (const bad of ['alsa:', 'hw:1,0', 'alsa:hw 1', 'alsa::0']) {
      expect(() => parseAlsaSpec(bad)).toThrow(`bad audio spec ${JSON.stringify(bad)}: expected alsa:<device>, e.g. alsa:hw:1,0, alsa:plughw:CARD=Device,DEV=0, alsa:default`);
    }
  });
});

describe('alsa probe', () => {
  it('reads arecord -l and /proc/asound', async () => {
    const list = '**** List of CAPTURE Hardware Devices ****\ncard 1: Device [USB Audio Device], device 0: USB Audio [USB Audio]\n  Subdevices: 1/1\ncard 2: sndrpii2scard [snd_rpi_i2s_card], device 0: simple-card_codec_link snd-soc-dummy-dai-0 [simple-card_codec_link snd-soc-dummy-dai-0]\n';
    expect(parseArecordList(list)).toEqual([
      { card: 1, device: 0, cardId: 'Device', name: 'USB Audio Device: USB Audio', spec: 'alsa:hw:1,0' },
      { card: 2, device: 0, cardId: 'sndrpii2scard', name: 'snd_rpi_i2s_card: simple-card_codec_link snd-soc-dummy-dai-0', spec: 'alsa:hw:2,0' },
    ]);
    expect(parseProcPcm('00-00: bcm2835 HDMI 1 : bcm2835 HDMI 1 : playback 1\n01-00: USB Audio : USB Audio : playback 1 : capture 1\n', ' 0 [vc4hdmi0       ]: vc4-hdmi\n 1 [Device         ]: USB-Audio\n')).toEqual([
      { card: 1, device: 0, cardId: 'Device', name: 'USB Audio', spec: 'alsa:hw:1,0' },
    ]);
    const fake: Spawner = () => {
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      stdout.end(list);
      stderr.end();
      return { stdout, stderr, spawned: Promise.resolve(), exited: Promise.resolve({ code: 0, signal: null }), kill: () => undefined };
    };
    expect((await probeAlsa({ spawner: fake })).devices.length).toBe(2);
    const { dir, remove } = await tmpFolder('asound');
    const none = await probeAlsa({ spawner: emulatedArecord({ wavPath: JFK_WAV }), procRoot: `${dir}/missing` });
    expect(none.devices).toEqual([]);
    expect(none.problems.join('\n')).toMatch(/missing: no ALSA sound card/);
    await remove();
  });
});
