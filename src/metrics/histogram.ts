/**
 * A latency histogram (HdrHistogram, via `hdr-histogram-js`): constant memory, 3 significant digits,
 * values in ns from 1 ns to 1000 s. Negative inputs are clamped to 0.
 */
import * as hdr from 'hdr-histogram-js';

export interface LatencySummary {
  readonly count: number;
  readonly p50Ns: number;
  readonly p99Ns: number;
  readonly maxNs: number;
  readonly meanNs: number;
}

export class LatencyHistogram {
  private readonly h = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 1e12,
    numberOfSignificantValueDigits: 3,
  });

  record(valueNs: number): void {
    this.h.recordValue(Math.min(Math.max(Math.round(valueNs), 0), 1e12));
  }

  get count(): number {
    return this.h.totalCount;
  }

  percentileNs(p: number): number {
    return this.h.totalCount === 0 ? 0 : this.h.getValueAtPercentile(p);
  }

  summary(): LatencySummary {
    const n = this.h.totalCount;
    return {
      count: n,
      p50Ns: this.percentileNs(50),
      p99Ns: this.percentileNs(99),
      maxNs: n === 0 ? 0 : this.h.maxValue,
      meanNs: n === 0 ? 0 : this.h.mean,
    };
  }

  reset(): void {
    this.h.reset();
  }
}
