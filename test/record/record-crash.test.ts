/**
 * Crash safety of `karana record`, as a child process on the bundled sample session (real recordings)
 * replayed at its recorded timing: `kill -9` after at least two chunks leaves a file whose messages read back
 * byte-identical to the source samples and form a prefix of the recording (nothing missing but the tail);
 * SIGINT (Ctrl-C) leaves a finished file with its summary, which `@mcap/core`'s indexed reader opens.
 */
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { McapIndexedReader } from '@mcap/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DECOMPRESS, loadZstd } from '../../hal/mcap/compression.js';
import { tmpFolder } from '../hal/data.js';
import { SAMPLE_SESSION, expectedMessages, readBack, spawnRecord } from './helpers.js';
import type { Msg } from './helpers.js';

let dir = '';
let remove: () => Promise<void> = async () => undefined;
let expected: Msg[] = [];

beforeAll(async () => {
  ({ dir, remove } = await tmpFolder('record-crash'));
  expected = await expectedMessages(SAMPLE_SESSION);
});
afterAll(async () => remove());

describe('karana record, killed', () => {
  it('kill -9 after two chunks: what was written reads back byte-identical and is a prefix of the recording', async () => {
    const out = join(dir, 'killed.mcap');
    const rec = spawnRecord(['--out', out, '--speed', '1', '--chunk-size', '256k']);
    const chunks = await rec.chunksAtLeast(2);
    rec.child.kill('SIGKILL');
    const exit = await rec.exit;
    expect(exit.signal).toBe('SIGKILL');
    const back = await readBack(out);
    expect(back.complete).toBe(false); // no footer: the process never finished the file
    expect(chunks).toBeGreaterThanOrEqual(2);
    expect(back.messages.length).toBeGreaterThan(10);
    expect(back.messages.length).toBeLessThan(expected.length);
    // The messages are exactly the first n of the recording: same device, clocks and payload bytes.
    expect(back.messages).toEqual(expected.slice(0, back.messages.length));
    // A partial chunk at the tail is the only damage a kill can leave.
    expect(back.damage.length).toBeLessThanOrEqual(1);
    if (back.damage.length === 1) expect(back.damage[0]).toMatch(/truncated|cut short/);
    console.info(`kill -9 after ${chunks} chunks: ${back.messages.length} of ${expected.length} messages read back, ${(await stat(out)).size} bytes, damage: ${back.damage.join('; ') || 'none'}`);
  });

  it('SIGINT (Ctrl-C) finishes the file: footer, summary and statistics, readable by the indexed reader', async () => {
    const out = join(dir, 'interrupted.mcap');
    const rec = spawnRecord(['--out', out, '--speed', '1', '--chunk-size', '256k']);
    await rec.chunksAtLeast(1);
    rec.child.kill('SIGINT');
    const exit = await rec.exit;
    expect(exit.code, rec.output()).toBe(0);
    expect(rec.output()).toMatch(/stopped early/);
    const back = await readBack(out);
    expect(back.complete).toBe(true);
    expect(back.damage).toEqual([]);
    expect(back.messages).toEqual(expected.slice(0, back.messages.length));
    await loadZstd();
    const handle = await open(out, 'r');
    try {
      const size = BigInt((await handle.stat()).size);
      const readable = {
        size: async () => size,
        read: async (offset: bigint, length: bigint) => {
          const buffer = new Uint8Array(Number(length));
          await handle.read(buffer, 0, buffer.length, Number(offset));
          return buffer;
        },
      };
      const indexed = await McapIndexedReader.Initialize({ readable, decompressHandlers: DECOMPRESS });
      expect(Number(indexed.statistics?.messageCount)).toBe(back.messages.length);
      expect([...indexed.channelsById.values()].map((c) => c.topic).sort()).toEqual(['/battery', '/cam0', '/imu0', '/mic', '/soc', '/world']);
      expect(indexed.metadataIndexes.map((m) => m.name)).toContain('karana.session');
      expect(indexed.attachmentIndexes.map((a) => a.name)).toEqual(['session.toml']);
    } finally {
      await handle.close();
    }
  });
});
