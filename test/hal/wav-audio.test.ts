/**
 * wav-audio on jfk.wav (11.0 s, 16 kHz mono PCM16) and silero_vad_test.wav (60 s), checked against the PCM read
 * straight from the RIFF chunks, and on damaged files.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WavAudio } from '../../hal/mock/wav-audio.js';
import { DeviceError, SampleError } from '../../hal/types.js';
import { JFK_WAV, SILERO_WAV, drain, tmpFolder } from './data.js';

let tmp = '';
let removeTmp: () => Promise<void> = async () => undefined;
beforeAll(async () => {
  const t = await tmpFolder('wav');
  tmp = t.dir;
  removeTmp = t.remove;
});
afterAll(async () => {
  await removeTmp();
});

/** The 16-bit PCM of a RIFF WAVE file's `data` chunk, found by walking the chunks (RIFF: id, LE size, body). */
async function pcm16(path: string): Promise<Int16Array> {
  const bytes = await readFile(path);
  for (let at = 12; at + 8 <= bytes.length; ) {
    const id = bytes.toString('ascii', at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    if (id === 'data') return new Int16Array(bytes.buffer.slice(bytes.byteOffset + at + 8, bytes.byteOffset + at + 8 + size));
    at += 8 + size + (size % 2);
  }
  throw new Error(`${path}: no data chunk`);
}

describe('wav-audio on real speech', () => {
  it('replays jfk.wav as 344 chunks of 512 samples (the last one 384) with their times', async () => {
    const pcm = await pcm16(JFK_WAV);
    expect(pcm.length).toBe(176_000); // 11.0 s at 16 kHz
    const mic = new WavAudio({ id: 'mic', path: JFK_WAV });
    await mic.open();
    expect(mic.info).toMatchObject({ kind: 'audio', driver: 'wav-audio', sampleRateHz: 16_000, nominalRateHz: 16_000, channels: 1, chunkSamples: 512 });
    expect(mic.frameCount).toBe(176_000);
    const { samples: chunks } = await drain(mic);
    expect(chunks).toHaveLength(344);
    expect(chunks.map((c) => c.samples.length).slice(-2)).toEqual([512, 384]);
    expect(chunks[1]?.deviceTimeNs).toBe(32_000_000n); // 512 / 16 kHz = 32 ms
    expect(chunks.at(-1)?.deviceTimeNs).toBe(10_976_000_000n); // 343 × 32 ms
    const all = new Float32Array(chunks.flatMap((c) => [...c.samples]));
    expect(all.length).toBe(pcm.length);
    let worst = 0;
    for (let i = 0; i < pcm.length; i++) worst = Math.max(worst, Math.abs((all[i] ?? 0) - (pcm[i] ?? 0) / 32768));
    expect(worst).toBe(0);
    expect(all.at(-1)).toBe(-456 / 32768); // last PCM value of the file
    await mic.close();
  });

  it('pads or drops the short last chunk on request', async () => {
    const padded = new WavAudio({ id: 'mic', path: JFK_WAV, lastChunk: 'pad' });
    await padded.open();
    const p = (await drain(padded)).samples;
    expect(p).toHaveLength(344);
    expect(p.at(-1)?.samples.length).toBe(512);
    expect(p.at(-1)?.samples.subarray(384).every((s) => s === 0)).toBe(true);
    const dropped = new WavAudio({ id: 'mic', path: JFK_WAV, lastChunk: 'drop' });
    await dropped.open();
    expect((await drain(dropped)).samples).toHaveLength(343);
  });

  it('replays the 60 s silero_vad_test.wav as 1,875 chunks', async () => {
    const mic = new WavAudio({ id: 'mic', path: SILERO_WAV });
    await mic.open();
    const { samples } = await drain(mic);
    expect(samples).toHaveLength(1_875);
    expect(samples.at(-1)?.deviceTimeNs).toBe(59_968_000_000n);
  });
});

describe('wav-audio on damaged files', () => {
  it('raises DeviceError naming a missing file', async () => {
    const path = join(tmp, 'none.wav');
    await expect(new WavAudio({ id: 'mic', path }).open()).rejects.toThrow(new DeviceError('mic', `cannot open ${path}: no such file or directory (ENOENT)`));
  });

  it('raises DeviceError for a file that is not RIFF WAVE', async () => {
    const path = join(tmp, 'text.wav');
    await writeFile(path, 'this is a text file, not audio\n');
    await expect(new WavAudio({ id: 'mic', path }).open()).rejects.toThrow(new DeviceError('mic', `${path}: not a RIFF WAVE file: Not a supported format.`));
  });

  it('replays a file cut inside its data chunk, then reports the cut once', async () => {
    const path = join(tmp, 'cut.wav');
    const bytes = await readFile(JFK_WAV);
    await writeFile(path, bytes.subarray(0, 100_000));
    const mic = new WavAudio({ id: 'mic', path });
    await mic.open();
    let held = 0;
    for (let i = 0; i < 98; i++) held += (await mic.read())?.samples.length ?? 0; // 97 × 512 + 297
    expect(held).toBe(49_961); // (100,000 − 78 header bytes) / 2
    await expect(mic.read()).rejects.toThrow(new SampleError('mic', { file: path, byteOffset: 100_000 }, 'file ends inside the data chunk: 99922 of 352000 bytes'));
    expect(await mic.read()).toBeNull();
  });
});
