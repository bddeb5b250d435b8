/**
 * Property-based fuzzing (fast-check, seeded) of the GDP parser and the caps parser: chunking never changes
 * what is parsed; garbage between packets is reported once per damaged stretch at its byte offset and the
 * packets after it are recovered; random bytes never throw nor hang; a real gst-launch GDP stream with
 * random bit flips still yields the packets the flips did not touch.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseRawVideoCaps } from '../../../hal/gstreamer/caps.js';
import { GDP_HEADER_BYTES, GdpParser, gdpCrc, gdpPacket } from '../../../hal/gstreamer/gdp.js';
import type { GdpError, GdpPacket } from '../../../hal/gstreamer/gdp.js';
import { HAVE_GST, capturedGdp } from './helpers.js';

const packetArb = fc.record({
  type: fc.constantFrom(1, 2, 64 + 10254),
  payload: fc.uint8Array({ maxLength: 300 }),
  ptsNs: fc.bigInt({ min: 0n, max: 1n << 62n }),
});

function parseAll(bytes: Uint8Array, cuts: number[]): (GdpPacket | GdpError)[] {
  const parser = new GdpParser();
  const out: (GdpPacket | GdpError)[] = [];
  let at = 0;
  for (const cut of [...cuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b), bytes.length]) {
    out.push(...parser.push(bytes.subarray(at, Math.max(at, cut))));
    at = Math.max(at, cut);
  }
  return out;
}

const summary = (items: (GdpPacket | GdpError)[]): string[] =>
  items.map((p) => (p.kind === 'buffer' ? `buffer@${p.byteOffset}:${p.ptsNs}:${p.payload.length}` : p.kind === 'error' ? `error@${p.byteOffset}` : `${p.kind}@${p.byteOffset}`));

describe('GDP parser fuzzing', () => {
  it('gst_dp_crc: CRC-16/CCITT init 0xFFFF, final XOR 0xFFFF (check value of "123456789" is 0xD64E)', () => {
    expect(gdpCrc(Buffer.from('123456789'))).toBe(0xd64e);
  });

  it('splitting the stream into any chunks gives the same packets', () => {
    fc.assert(
      fc.property(fc.array(packetArb, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 8 }), (packets, cuts) => {
        const bytes = Buffer.concat(packets.map((p) => gdpPacket(p.type, p.payload, { ptsNs: p.ptsNs })));
        const whole = summary(parseAll(bytes, []));
        expect(summary(parseAll(bytes, cuts))).toEqual(whole);
        expect(whole.length).toBe(packets.length);
      }),
      { seed: 11, numRuns: 300 },
    );
  });

  it('garbage between packets: one error at its offset, and every packet after it is recovered', () => {
    fc.assert(
      fc.property(fc.array(packetArb, { minLength: 2, maxLength: 5 }), fc.uint8Array({ minLength: 1, maxLength: 200 }), fc.nat(), fc.array(fc.nat(), { maxLength: 6 }), (packets, garbage, where, cuts) => {
        const encoded = packets.map((p) => gdpPacket(p.type, p.payload, { ptsNs: p.ptsNs }));
        const k = 1 + (where % (encoded.length - 1));
        const bytes = Buffer.concat([...encoded.slice(0, k), garbage, ...encoded.slice(k)]);
        const items = parseAll(bytes, cuts);
        const garbageAt = encoded.slice(0, k).reduce((n, b) => n + b.length, 0);
        const errors = items.filter((i) => i.kind === 'error');
        const good = items.filter((i) => i.kind !== 'error');
        expect(good.length).toBe(packets.length);
        if (garbage.length >= 1 && errors.length > 0) expect(errors[0]?.byteOffset).toBe(garbageAt);
        for (const e of errors) expect(e.byteOffset).toBeLessThan(bytes.length);
      }),
      { seed: 12, numRuns: 300 },
    );
  });

  it('random bytes never throw, end, and report errors inside the stream', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4000 }), fc.array(fc.nat(), { maxLength: 10 }), (bytes, cuts) => {
        const items = parseAll(bytes, cuts);
        for (const i of items) expect(i.byteOffset).toBeLessThan(Math.max(1, bytes.length));
      }),
      { seed: 13, numRuns: 500 },
    );
  });

  it('the caps parser never throws on random text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const r = parseRawVideoCaps(`video/x-raw, ${text}`);
        expect('error' in r || r.widthPx > 0).toBe(true);
      }),
      { seed: 14, numRuns: 500 },
    );
  });
});

describe.skipIf(!HAVE_GST)('GDP parser on a real gst-launch stream with bit flips', () => {
  let gdp: Buffer;
  beforeAll(async () => {
    gdp = await capturedGdp(4);
  });

  it('parses the clean stream: stream-start, caps, segment, 4 GRAY8 frames 50 ms apart', () => {
    const items = new GdpParser().push(gdp);
    const caps = items.find((i) => i.kind === 'caps');
    expect(caps?.kind === 'caps' && caps.caps.startsWith('video/x-raw, format=(string)GRAY8, width=(int)752, height=(int)480')).toBe(true);
    const buffers = items.filter((i) => i.kind === 'buffer');
    expect(buffers.map((b) => (b.kind === 'buffer' ? b.ptsNs : -1n))).toEqual([0n, 50_000_000n, 100_000_000n, 150_000_000n]);
    expect(items.some((i) => i.kind === 'error')).toBe(false);
  });

  it('with random header damage, the packets whose headers are intact are all recovered', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), fc.array(fc.nat(), { maxLength: 6 }), (flips, cuts) => {
        const clean = new GdpParser().push(gdp).filter((i) => i.kind !== 'error');
        const damaged = Buffer.from(gdp);
        const headers = clean.map((p) => p.byteOffset);
        const hit = new Set<number>();
        for (const f of flips) {
          const h = headers[f % headers.length] ?? 0;
          // Bytes 0–59: what the header CRC protects, and the CRC itself (60–61 hold the payload CRC,
          // unchecked without the payload-CRC flag, gdppay's default).
          const byte = h + ((f >> 4) % (GDP_HEADER_BYTES - 2));
          damaged[byte] = (damaged[byte] ?? 0) ^ (1 + (f % 255));
          hit.add(h);
        }
        const items = parseAll(damaged, cuts);
        const recovered = new Set(items.filter((i) => i.kind !== 'error').map((i) => i.byteOffset));
        for (const h of headers) if (!hit.has(h)) expect(recovered.has(h)).toBe(true);
        expect(items.some((i) => i.kind === 'error')).toBe(true);
      }),
      { seed: 15, numRuns: 60 },
    );
  });
});
