import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { Bus } from '../../src/bus/bus.js';
import type { PowerStateEvent, ResourcesChangedEvent, ThermalReadingEvent } from '../../src/bus/topics.js';

const thermal = (tempC: number, deviceId = 'soc'): ThermalReadingEvent => ({ deviceId, zone: 'cpu', tNs: 0, tempC });
const power = (batteryPercent: number): PowerStateEvent => ({ deviceId: 'ups', tNs: 0, batteryPercent });
const resources = (reason: string): ResourcesChangedEvent => ({ tNs: 0, profile: 'saver', previous: 'full', reason });

function manualBus(): { bus: Bus; setNow: (ns: number) => void } {
  let nowNs = 0;
  const bus = new Bus({ now: () => nowNs, scheduler: { now: () => 0, schedule: () => ({ unsubscribe() {} }) } as never });
  return { bus, setNow: (ns) => (nowNs = ns) };
}

describe('Bus', () => {
  it('a flush delivers critical events before lower priorities, whatever the publication order', () => {
    const { bus } = manualBus();
    const seen: string[] = [];
    bus.all$.subscribe((e) => seen.push(e.topic));
    bus.publish('ui.hud', { tNs: 0 }); // low
    bus.publish('thermal.reading', thermal(50)); // normal
    bus.publish('pose.updated', { tNs: 0, source: 'ahrs', q_world_body: [1, 0, 0, 0] }); // high
    bus.publish('resources.changed', resources('battery low')); // critical
    expect(bus.flush()).toBe(4);
    expect(seen).toEqual(['resources.changed', 'pose.updated', 'thermal.reading', 'ui.hud']);
  });

  it('an inbox hands over its batch by priority, then publication order, and applies each topic policy', () => {
    const { bus } = manualBus();
    const inbox = bus.inbox('services', ['thermal.reading', 'resources.changed', 'power.state']);
    bus.publish('thermal.reading', thermal(50));
    bus.flush();
    bus.publish('power.state', power(80));
    bus.publish('thermal.reading', thermal(51)); // replaces 50 (latest per device)
    bus.publish('resources.changed', resources('a'));
    bus.publish('thermal.reading', thermal(60, 'gpu'));
    bus.publish('resources.changed', resources('b'));
    bus.flush();
    const batch = inbox.drain();
    expect(batch.map((e) => e.topic)).toEqual([
      'resources.changed',
      'resources.changed',
      'power.state',
      'thermal.reading',
      'thermal.reading',
    ]);
    expect(batch.filter((e) => e.topic === 'thermal.reading').map((e) => (e.payload).tempC)).toEqual([51, 60]);
    expect(inbox.drain()).toEqual([]);
    const stats = Object.fromEntries(bus.stats().map((s) => [s.topic, s]));
    expect(stats['thermal.reading']).toMatchObject({ published: 3, delivered: 2, dropped: 0, superseded: 1 });
    expect(stats['resources.changed']).toMatchObject({ published: 2, delivered: 2, dropped: 0 });
  });

  it('counts delivery latency from publication to drain on the bus clock', () => {
    const { bus, setNow } = manualBus();
    const inbox = bus.inbox('l5', ['power.state']);
    setNow(1_000_000);
    bus.publish('power.state', power(50));
    bus.flush();
    setNow(6_000_000);
    inbox.drain();
    const s = bus.stats().find((x) => x.topic === 'power.state');
    expect(s?.latency.count).toBe(1);
    expect(s?.latency.maxNs).toBeGreaterThanOrEqual(4_995_000);
    expect(s?.latency.maxNs).toBeLessThanOrEqual(5_005_000);
  });

  it('events published during a flush are delivered in the same flush, by priority', () => {
    const { bus } = manualBus();
    const seen: string[] = [];
    bus.observe('thermal.reading').subscribe(() => bus.publish('resources.changed', resources('hot')));
    bus.all$.subscribe((e) => seen.push(e.topic));
    bus.publish('thermal.reading', thermal(90));
    bus.publish('ui.hud', { tNs: 0 });
    bus.flush();
    expect(seen).toEqual(['thermal.reading', 'resources.changed', 'ui.hud']);
  });

  it('rejects unknown topics by name', () => {
    const { bus } = manualBus();
    expect(() => bus.publish('nope' as 'ui.hud', { tNs: 0 })).toThrow('unknown bus topic "nope"');
  });

  it('publishes made outside a tick are flushed on the bus scheduler (marble)', () => {
    const scheduler = new TestScheduler((a, e) => expect(a).toEqual(e));
    scheduler.run(({ cold, expectObservable }) => {
      const bus = new Bus({ now: () => scheduler.now() * 1e6, scheduler });
      const battery = cold('-a--b', { a: 80, b: 79 });
      battery.subscribe((pct) => bus.publish('power.state', power(pct)));
      const delivered = bus.observe('power.state').pipe(map((e) => [e.payload.batteryPercent, e.publishedNs]));
      expectObservable(delivered).toBe('-a--b', { a: [80, 1e6], b: [79, 4e6] });
    });
  });
});
