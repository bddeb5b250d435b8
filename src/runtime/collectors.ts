/**
 * Run-time collectors for the report: they observe the bus (never a layer's internals) and keep what
 * the summary needs: detections per class, the orientation track, and capture → detection latency.
 */
import type { Subscription } from 'rxjs';
import type { Bus } from '../bus/bus.js';
import { LatencyHistogram, type LatencySummary } from '../metrics/histogram.js';

/** Growable Float64Array. */
class Floats {
  private data = new Float64Array(1024);
  length = 0;

  push(...values: number[]): void {
    if (this.length + values.length > this.data.length) {
      const bigger = new Float64Array(Math.max(this.data.length * 2, this.length + values.length));
      bigger.set(this.data.subarray(0, this.length));
      this.data = bigger;
    }
    this.data.set(values, this.length);
    this.length += values.length;
  }

  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

export interface DetectionSummary {
  /** Frames with a detection result. */
  readonly frames: number;
  /** Frames where at least one object was found. */
  readonly framesWithObjects: number;
  readonly byClass: Readonly<Record<string, number>>;
  /** Frame capture → `objects.detected` published, runtime clock. */
  readonly latency: LatencySummary;
}

export class RunCollectors {
  private readonly subs: Subscription[] = [];
  private readonly poseT = new Floats();
  private readonly poseQ = new Floats();
  private readonly vioT = new Floats();
  private readonly vioQ = new Floats();
  private readonly vioP = new Floats();
  private readonly byClass = new Map<string, number>();
  private readonly detectLatency = new LatencyHistogram();
  private detectedFrames = 0;
  private framesWithObjects = 0;
  private framesSeen = 0;

  constructor(bus: Bus) {
    this.subs.push(
      bus.observe('pose.updated').subscribe((e) => {
        const p = e.payload;
        if (p.source === 'ahrs') {
          this.poseT.push(p.tNs);
          this.poseQ.push(...p.q_world_body);
        } else if (p.source === 'vio' && p.p_world_body_m !== undefined) {
          this.vioT.push(p.tNs);
          this.vioQ.push(...p.q_world_body);
          this.vioP.push(...p.p_world_body_m);
        }
      }),
      bus.observe('objects.detected').subscribe((e) => {
        this.detectedFrames += 1;
        if (e.payload.objects.length > 0) this.framesWithObjects += 1;
        for (const o of e.payload.objects) this.byClass.set(o.label, (this.byClass.get(o.label) ?? 0) + 1);
        this.detectLatency.record(e.publishedNs - e.payload.tNs);
      }),
      bus.observe('camera.frame').subscribe(() => (this.framesSeen += 1)),
    );
  }

  /** Camera frames delivered so far (all cameras). */
  get frames(): number {
    return this.framesSeen;
  }

  /** The VIO track (6-DoF `pose.updated`): times (ns), `q_world_body` (4 per time), `p_world_body_m` (3 per time). */
  vioPoses(): { tNs: Float64Array; quaternion: Float64Array; position: Float64Array } {
    return { tNs: this.vioT.view(), quaternion: this.vioQ.view(), position: this.vioP.view() };
  }

  /** The AHRS orientation track (`pose.updated` source `ahrs`): times (ns) and `q_world_body` (4 per time). */
  poses(): { tNs: Float64Array; q: Float64Array } {
    return { tNs: this.poseT.view(), q: this.poseQ.view() };
  }

  detections(): DetectionSummary {
    const byClass = Object.fromEntries([...this.byClass.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
    return { frames: this.detectedFrames, framesWithObjects: this.framesWithObjects, byClass, latency: this.detectLatency.summary() };
  }

  close(): void {
    for (const s of this.subs) s.unsubscribe();
  }
}
