/**
 * Event bus throughput and delivery latency per priority, against what a user would pick instead: a plain
 * RxJS `Subject` per topic and Node's `EventEmitter`.
 *
 * Load: the traffic of a glasses runtime, from real recordings. Per 1 ms slot (1 kHz): one IMU sample of the
 * EuRoC MH_01 recording (`imu.samples`, high); every 33rd slot (30 Hz) a world frame of the bundled sample
 * (`camera.frame`, high, 1 MB RGB8 decoded by sharp) and a HUD scene (`ui.hud`, low); every 100th slot
 * (10 Hz) a thermal reading (normal); every 1000th (1 Hz) a `resources.changed` (critical). Within a slot
 * the events are published in the order low → critical (the worst order for priority dispatch).
 *
 * - Throughput: slots are run back to back (no pacing); events delivered to the consumer per second.
 * - Latency: publish → consumer callback, hrtime, per priority. Our bus flushes once per slot, as the tick
 *   loop does after each layer step; Subject and EventEmitter call their listeners synchronously in
 *   publication order. The figure that matters for our bus is the order: critical first in every flush.
 */
import { EventEmitter } from 'node:events';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Subject } from 'rxjs';
import sharp from 'sharp';
import { Bus } from '../src/bus/bus.js';
import type { Priority } from '../src/bus/policy.js';
import type { TopicMap, TopicName } from '../src/bus/topics.js';
import { LatencyHistogram } from '../src/metrics/histogram.js';
import type { BenchOptions, BenchResult, BenchSuite, Figure } from './harness.js';

type Publish = (topic: TopicName, payload: unknown) => void;

interface Mechanism {
  /** Subscribe `onEvent(topic)` to every topic; returns the publish function and a per-slot flush. */
  setUp(onEvent: (topic: TopicName, payload: unknown) => void): { publish: Publish; endSlot: () => void };
}

const PRIORITY: Record<string, Priority> = { 'imu.samples': 'high', 'camera.frame': 'high', 'ui.hud': 'low', 'thermal.reading': 'normal', 'resources.changed': 'critical' };
const TOPICS = Object.keys(PRIORITY) as TopicName[];

const mechanisms: Record<string, Mechanism> = {
  karanaBus: {
    setUp(onEvent) {
      const bus = new Bus({ now: () => 0 });
      for (const t of TOPICS) bus.observe(t).subscribe((e) => onEvent(e.topic, e.payload));
      return { publish: (t, p) => bus.publish(t, p as TopicMap[typeof t]), endSlot: () => bus.flush() };
    },
  },
  rxjsSubject: {
    setUp(onEvent) {
      const subjects = new Map(TOPICS.map((t) => [t, new Subject<unknown>()]));
      for (const [t, s] of subjects) s.subscribe((p) => onEvent(t, p));
      return { publish: (t, p) => subjects.get(t)?.next(p), endSlot: () => undefined };
    },
  },
  eventEmitter: {
    setUp(onEvent) {
      const ee = new EventEmitter();
      for (const t of TOPICS) ee.on(t, (p: unknown) => onEvent(t, p));
      return { publish: (t, p) => ee.emit(t, p), endSlot: () => undefined };
    },
  },
};

interface Load {
  readonly imu: { gyro: [number, number, number]; accel: [number, number, number] }[];
  readonly frames: Uint8Array[];
  readonly widthPx: number;
  readonly heightPx: number;
}

async function loadLoad(options: BenchOptions): Promise<Load> {
  const imuCsv = options.sharedDataDir === undefined ? join(options.rootDir, 'hal/sessions/sample/mav0/imu0/data.csv') : resolve(options.sharedDataDir, 'euroc_mh01_excerpt/mav0/imu0/data.csv');
  const imu = readFileSync(imuCsv, 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .slice(0, 2000)
    .map((l) => {
      const f = l.split(',').map(Number);
      return { gyro: [f[1], f[2], f[3]] as [number, number, number], accel: [f[4], f[5], f[6]] as [number, number, number] };
    });
  const dir = join(options.rootDir, 'hal/sessions/sample/world/data');
  const files = readdirSync(dir).filter((f) => f.endsWith('.jpg')).sort().slice(0, 30);
  let widthPx = 0;
  let heightPx = 0;
  const frames: Uint8Array[] = [];
  for (const f of files) {
    const { data, info } = await sharp(join(dir, f)).raw().toBuffer({ resolveWithObject: true });
    widthPx = info.width;
    heightPx = info.height;
    frames.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
  return { imu, frames, widthPx, heightPx };
}

/** The events of slot `k`, in publication order (low priority first). */
function slotEvents(load: Load, k: number): [TopicName, unknown][] {
  const out: [TopicName, unknown][] = [];
  const tNs = k * 1e6;
  if (k % 33 === 0) out.push(['ui.hud', { tNs }]);
  if (k % 100 === 0) out.push(['thermal.reading', { deviceId: 'soc', zone: 'cpu', tNs, tempC: 60 }]);
  const s = load.imu[k % load.imu.length] as Load['imu'][number];
  out.push(['imu.samples', { deviceId: 'imu0', count: 1, tNs: Float64Array.of(tNs), gyroRadps: Float64Array.from(s.gyro), accelMps2: Float64Array.from(s.accel) }]);
  if (k % 33 === 0) {
    const data = load.frames[(k / 33) % load.frames.length] as Uint8Array;
    out.push(['camera.frame', { deviceId: 'world', role: 'world', tNs, frame: { seq: k / 33, deviceTimeNs: BigInt(tNs), widthPx: load.widthPx, heightPx: load.heightPx, format: 'RGB8', strideBytes: 3 * load.widthPx, data } }]);
  }
  if (k % 1000 === 0) out.push(['resources.changed', { tNs, profile: 'balanced', previous: 'full', reason: 'bench' }]);
  return out;
}

function run(mechanism: Mechanism, load: Load, slots: number): { eventsPerS: number; latency: Record<Priority, LatencyHistogram>; orderOk: boolean } {
  const latency = { critical: new LatencyHistogram(), high: new LatencyHistogram(), normal: new LatencyHistogram(), low: new LatencyHistogram() };
  const published = new Map<unknown, bigint>();
  let delivered = 0;
  let orderOk = true;
  let lastRankInSlot = -1;
  const rank = { critical: 0, high: 1, normal: 2, low: 3 };
  const { publish, endSlot } = mechanism.setUp((topic, payload) => {
    const p = PRIORITY[topic] as Priority;
    latency[p].record(Number(process.hrtime.bigint() - (published.get(payload) ?? 0n)));
    if (rank[p] < lastRankInSlot) orderOk = false;
    lastRankInSlot = rank[p];
    delivered += 1;
  });
  const events = Array.from({ length: 1000 }, (_, k) => slotEvents(load, k));
  const started = process.hrtime.bigint();
  for (let k = 0; k < slots; k += 1) {
    lastRankInSlot = -1;
    for (const [topic, payload] of events[k % 1000] as [TopicName, unknown][]) {
      published.set(payload, process.hrtime.bigint());
      publish(topic, payload);
    }
    endSlot();
  }
  const elapsedS = Number(process.hrtime.bigint() - started) / 1e9;
  return { eventsPerS: delivered / elapsedS, latency, orderOk };
}

const suite: BenchSuite = {
  name: 'bus',
  async run(options: BenchOptions): Promise<BenchResult> {
    const load = await loadLoad(options);
    const slots = options.quick ? 20_000 : 200_000;
    const figures: Record<string, Figure> = {};
    const results: Record<string, ReturnType<typeof run>> = {};
    for (const m of Object.values(mechanisms)) run(m, load, 2000); // warm-up (JIT)
    for (const [name, m] of Object.entries(mechanisms)) {
      const r = run(m, load, slots);
      results[name] = r;
      figures[`${name}.throughput`] = { value: r.eventsPerS, unit: 'events/s' };
      for (const p of ['critical', 'high', 'normal', 'low'] as const) {
        const s = r.latency[p].summary();
        figures[`${name}.${p}.latencyP50`] = { value: s.p50Ns / 1e3, unit: 'µs' };
        figures[`${name}.${p}.latencyP99`] = { value: s.p99Ns / 1e3, unit: 'µs' };
      }
      figures[`${name}.criticalFirstInEverySlot`] = { value: r.orderOk ? 1 : 0, unit: 'bool' };
    }
    const bus = results.karanaBus as ReturnType<typeof run>;
    const subject = results.rxjsSubject as ReturnType<typeof run>;
    const emitter = results.eventEmitter as ReturnType<typeof run>;
    const slotEventsPerS = 1000 + (1000 / 33) * 2 + 10 + 1;
    return {
      name: 'bus',
      description: `${slots} slots of 1 kHz IMU (EuRoC MH_01) + 30 Hz world frames (sample session, ${load.widthPx}×${load.heightPx} RGB8) + 30 Hz HUD + 10 Hz thermal + 1 Hz resources, as fast as possible`,
      figures: { ...figures, 'realtimeLoad.events': { value: slotEventsPerS, unit: 'events/s' } },
      ratios: {
        'throughput karanaBus/rxjsSubject': bus.eventsPerS / subject.eventsPerS,
        'throughput karanaBus/eventEmitter': bus.eventsPerS / emitter.eventsPerS,
        'headroom karanaBus throughput/realtime load': bus.eventsPerS / slotEventsPerS,
      },
      notes: [
        'latency of karanaBus is publish → delivery at the end-of-slot flush (what the tick loop does after each layer step); Subject and EventEmitter deliver synchronously inside publish',
        'criticalFirstInEverySlot = 1: within each flush the bus delivered critical before high before normal before low although they were published in the reverse order; Subject and EventEmitter deliver in publication order (0)',
      ],
    };
  },
};

export default suite;
