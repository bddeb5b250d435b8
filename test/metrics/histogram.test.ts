import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LatencyHistogram, bucketOf, bucketUpperNs } from '../../src/metrics/histogram.js';

describe('LatencyHistogram', () => {
  it('buckets are contiguous and ordered: every value lies in its bucket, within 1/32 of its upper edge', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 42 }), (v) => {
        const b = bucketOf(v);
        expect(v).toBeLessThanOrEqual(bucketUpperNs(b));
        if (b > 0) expect(v).toBeGreaterThan(bucketUpperNs(b - 1));
        expect(bucketUpperNs(b) - v).toBeLessThanOrEqual(Math.max(0, v / 32));
      }),
    );
  });

  it('gives exact count, mean and max, and percentiles within 3 % (never below the true value)', () => {
    const h = new LatencyHistogram();
    const values = Array.from({ length: 1000 }, (_, i) => 1000 * (i + 1)); // 1 µs … 1 ms
    for (const v of values) h.record(v);
    const s = h.summary();
    expect(s.count).toBe(1000);
    expect(s.maxNs).toBe(1_000_000);
    expect(s.meanNs).toBe(500_500);
    expect(s.p50Ns).toBeGreaterThanOrEqual(500_000);
    expect(s.p50Ns).toBeLessThanOrEqual(500_000 * 1.031);
    expect(s.p99Ns).toBeGreaterThanOrEqual(990_000);
    expect(s.p99Ns).toBeLessThanOrEqual(1_000_000);
  });

  it('records negative and non-finite values as 0 and empties on reset', () => {
    const h = new LatencyHistogram();
    h.record(-5);
    h.record(Number.NaN);
    expect(h.summary()).toEqual({ count: 2, p50Ns: 0, p99Ns: 0, maxNs: 0, meanNs: 0 });
    h.reset();
    expect(h.summary().count).toBe(0);
  });
});
