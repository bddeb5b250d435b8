/**
 * A layer's inbox: the events of the topics it subscribes to, held between its steps under each topic's
 * delivery policy (see `policy.ts`), handed over in one batch ordered by priority, then publication.
 */
import { Subject, type Observable, type Subscription } from 'rxjs';
import type { AnyEnvelope, Bus } from './bus.js';
import { PRIORITY_RANK, deliverOnDrain, type DeliveryPolicy } from './policy.js';
import type { TopicMap, TopicName } from './topics.js';

export class Inbox {
  private readonly drain$ = new Subject<void>();
  private readonly subscriptions: Subscription[] = [];
  private batch: AnyEnvelope[] = [];

  constructor(
    readonly name: string,
    private readonly bus: Bus,
    readonly topics: readonly TopicName[],
    policies: Partial<{ [K in TopicName]: DeliveryPolicy<TopicMap[K]> }>,
  ) {
    for (const topic of topics) {
      const policy = envelopePolicy(policies[topic] ?? bus.spec(topic).policy);
      const sub = (bus.observe(topic) as unknown as Observable<AnyEnvelope>)
        .pipe(deliverOnDrain(this.drain$, policy, (n, reason) => bus.recordDrop(topic, n, reason)))
        .subscribe((envelopes) => {
          for (const e of envelopes) this.batch.push(e);
        });
      this.subscriptions.push(sub);
    }
  }

  /** Everything held since the last drain: by priority (critical first), then by sequence number. */
  drain(): AnyEnvelope[] {
    this.batch = [];
    this.drain$.next();
    const out = this.batch;
    this.batch = [];
    if (out.length === 0) return out;
    const nowNs = this.bus.clockNs();
    for (const e of out) this.bus.recordDelivery(e.topic, e.publishedNs, nowNs);
    if (this.topics.length > 1) {
      out.sort(
        (a, b) =>
          PRIORITY_RANK[this.bus.spec(a.topic).priority] - PRIORITY_RANK[this.bus.spec(b.topic).priority] ||
          a.seq - b.seq,
      );
    }
    return out;
  }

  close(): void {
    for (const s of this.subscriptions) s.unsubscribe();
    this.drain$.complete();
  }
}

/** Lift a payload policy to envelopes (the `latest` key looks at the payload). */
function envelopePolicy(policy: DeliveryPolicy<never>): DeliveryPolicy<AnyEnvelope> {
  if (policy.kind !== 'latest' || policy.key === undefined) return policy as DeliveryPolicy<AnyEnvelope>;
  const key = policy.key as (payload: unknown) => string;
  return { kind: 'latest', key: (e) => key(e.payload) };
}
