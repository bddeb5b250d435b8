/**
 * The event bus: typed topics on RxJS, dispatched in priority order, with per-topic delivery policies
 * and counters.
 *
 * `publish()` stamps an event with a sequence number and the bus clock and queues it by priority;
 * `flush()` delivers the queues, every `critical` event before any `high` one, and so on (events published
 * during a flush are delivered in the same flush, in priority order). The tick loop flushes after each
 * layer step; a publish from outside a tick schedules a flush on the bus's scheduler (asap by default, a
 * `TestScheduler` in marble tests).
 *
 * Consumers either observe a topic (`observe`, hot, every event as it is delivered) or hold an
 * {@link Inbox} that applies the topic's delivery policy between drains (what layers do).
 */
import { Subject, asapScheduler, type Observable, type SchedulerLike, type Subscription } from 'rxjs';
import { LatencyHistogram, type LatencySummary } from '../metrics/histogram.js';
import { Inbox } from './inbox.js';
import { PRIORITIES, PRIORITY_RANK, type DeliveryPolicy, type DropReason, type Priority } from './policy.js';
import { TOPICS, type TopicMap, type TopicName, type TopicSpecs } from './topics.js';

/** An event as delivered: topic, bus-wide sequence number, publication time (bus clock, ns), payload. */
export interface Envelope<K extends TopicName = TopicName> {
  readonly topic: K;
  readonly seq: number;
  readonly publishedNs: number;
  readonly payload: TopicMap[K];
}

export type AnyEnvelope = { [K in TopicName]: Envelope<K> }[TopicName];

/** An event to publish, as a layer step returns it. */
export type Emit = { [K in TopicName]: { readonly topic: K; readonly payload: TopicMap[K] } }[TopicName];

export interface TopicStats {
  readonly topic: TopicName;
  readonly priority: Priority;
  readonly published: number;
  /** Events handed to consumers (inbox drains). */
  readonly delivered: number;
  /** Events a full `queue` pushed out before a consumer took them (lost data). */
  readonly dropped: number;
  /** Events a `latest` consumer never saw because a newer one replaced them (by design). */
  readonly superseded: number;
  /** Publication → consumption (inbox drain), bus clock. */
  readonly latency: LatencySummary;
}

export interface BusOptions {
  /** Bus clock, ns (the runtime clock; `() => scheduler.now() * 1e6` in marble tests). */
  readonly now: () => number;
  readonly topics?: TopicSpecs;
  /** Where flushes for publishes made outside a tick run. */
  readonly scheduler?: SchedulerLike;
}

class TopicState {
  readonly subject = new Subject<AnyEnvelope>();
  published = 0;
  delivered = 0;
  dropped = 0;
  superseded = 0;
  readonly latency = new LatencyHistogram();
}

export class Bus {
  private readonly now: () => number;
  private readonly specs: TopicSpecs;
  private readonly scheduler: SchedulerLike;
  private readonly topics = new Map<TopicName, TopicState>();
  private readonly queues: AnyEnvelope[][] = PRIORITIES.map(() => []);
  private readonly allSubject = new Subject<AnyEnvelope>();
  private seq = 0;
  private flushing = false;
  private pendingFlush: Subscription | null = null;

  /** Every event, in delivery order, as it is delivered. */
  readonly all$: Observable<AnyEnvelope> = this.allSubject.asObservable();

  constructor(options: BusOptions) {
    this.now = options.now;
    this.specs = options.topics ?? TOPICS;
    this.scheduler = options.scheduler ?? asapScheduler;
    for (const topic of Object.keys(this.specs) as TopicName[]) this.topics.set(topic, new TopicState());
  }

  /** Queue `payload` on `topic`; it is delivered at the next flush. Returns the event's sequence number. */
  publish<K extends TopicName>(topic: K, payload: TopicMap[K]): number {
    const state = this.state(topic);
    const envelope = { topic, seq: this.seq++, publishedNs: this.now(), payload } as AnyEnvelope;
    state.published += 1;
    this.queueOf(topic).push(envelope);
    if (!this.flushing && this.pendingFlush === null) {
      this.pendingFlush = this.scheduler.schedule(() => {
        this.pendingFlush = null;
        this.flush();
      });
    }
    return envelope.seq;
  }

  /** Deliver every queued event, highest priority first. Returns how many were delivered. */
  flush(): number {
    if (this.flushing) return 0; // re-entrant call from an observer: the running flush takes the events
    this.flushing = true;
    let count = 0;
    try {
      for (;;) {
        const queue = this.queues.find((q) => q.length > 0);
        if (queue === undefined) break;
        const envelope = queue.shift() as AnyEnvelope;
        this.state(envelope.topic).subject.next(envelope);
        this.allSubject.next(envelope);
        count += 1;
      }
    } finally {
      this.flushing = false;
    }
    return count;
  }

  /** Events of one topic as they are delivered (hot: only those delivered after subscription). */
  observe<K extends TopicName>(topic: K): Observable<Envelope<K>> {
    return this.state(topic).subject.asObservable() as unknown as Observable<Envelope<K>>;
  }

  /**
   * A pull-style consumer of `topics` under each topic's delivery policy (or `policies[topic]`):
   * `inbox.drain()` returns what arrived since the last drain, ordered by priority then publication.
   */
  inbox(
    name: string,
    topics: readonly TopicName[],
    policies: Partial<{ [K in TopicName]: DeliveryPolicy<TopicMap[K]> }> = {},
  ): Inbox {
    return new Inbox(name, this, topics, policies);
  }

  /** The settings of a topic. */
  spec<K extends TopicName>(topic: K): TopicSpecs[K] {
    return this.specs[topic];
  }

  /** Bus clock, ns. */
  clockNs(): number {
    return this.now();
  }

  /** @internal Counters updated by inboxes. */
  recordDelivery(topic: TopicName, publishedNs: number, drainedNs: number): void {
    const state = this.state(topic);
    state.delivered += 1;
    state.latency.record(drainedNs - publishedNs);
  }

  /** @internal */
  recordDrop(topic: TopicName, count: number, reason: DropReason): void {
    const s = this.state(topic);
    if (reason === 'overflow') s.dropped += count;
    else s.superseded += count;
  }

  stats(): TopicStats[] {
    return [...this.topics.entries()].map(([topic, s]) => ({
      topic,
      priority: this.specs[topic].priority,
      published: s.published,
      delivered: s.delivered,
      dropped: s.dropped,
      superseded: s.superseded,
      latency: s.latency.summary(),
    }));
  }

  /** Stop delivering: completes every topic stream and cancels a scheduled flush. */
  close(): void {
    this.pendingFlush?.unsubscribe();
    this.pendingFlush = null;
    for (const s of this.topics.values()) s.subject.complete();
    this.allSubject.complete();
  }

  private queueOf(topic: TopicName): AnyEnvelope[] {
    return this.queues[PRIORITY_RANK[this.specs[topic].priority]] as AnyEnvelope[];
  }

  private state(topic: TopicName): TopicState {
    const state = this.topics.get(topic);
    if (state === undefined) throw new RangeError(`unknown bus topic "${String(topic)}"`);
    return state;
  }
}
