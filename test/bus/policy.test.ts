import { Subject } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { deliverOnDrain } from '../../src/bus/policy.js';

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('deliverOnDrain (marble)', () => {
  it('latest: a slow consumer gets only the newest value per drain and the rest are counted as dropped', () => {
    let dropped = 0;
    scheduler().run(({ cold, hot, expectObservable }) => {
      const source = hot('-a-b-c----d--e|');
      const drain = cold('---x---x---x---x');
      const out = source.pipe(deliverOnDrain(drain, { kind: 'latest' }, (n) => (dropped += n)));
      expectObservable(out).toBe('---x---y---z--(w|)', { x: ['b'], y: ['c'], z: ['d'], w: ['e'] });
    });
    expect(dropped).toBe(1);
  });

  it('latest with a key keeps the newest value of each key, in publication order', () => {
    scheduler().run(({ hot, cold, expectObservable }) => {
      const values = { a: 'cam0:1', b: 'cam1:1', c: 'cam0:2' };
      const source = hot('-a-b-c--', values);
      const drain = cold('-------x');
      const out = source.pipe(deliverOnDrain(drain, { kind: 'latest', key: (v: string) => v.split(':')[0] as string }));
      expectObservable(out).toBe('-------x', { x: ['cam1:1', 'cam0:2'] });
    });
  });

  it('queue: holds at most `capacity` values and drops the oldest', () => {
    let dropped = 0;
    scheduler().run(({ hot, cold, expectObservable }) => {
      const source = hot('-abcde---f');
      const drain = cold('-------x--x');
      const out = source.pipe(deliverOnDrain(drain, { kind: 'queue', capacity: 3 }, (n) => (dropped += n)));
      expectObservable(out).toBe('-------x--y', { x: ['c', 'd', 'e'], y: ['f'] });
    });
    expect(dropped).toBe(2);
  });

  it('lossless: every value reaches the consumer, whatever its rate', () => {
    scheduler().run(({ hot, cold, expectObservable }) => {
      const source = hot('abcdefgh|');
      const drain = cold('-----x');
      const out = source.pipe(deliverOnDrain(drain, { kind: 'lossless' }));
      expectObservable(out).toBe('-----x--(y|)', { x: ['a', 'b', 'c', 'd', 'e', 'f'], y: ['g', 'h'] });
    });
  });

  it('propagates source errors and unsubscribes from both streams', () => {
    scheduler().run(({ hot, cold, expectObservable, expectSubscriptions }) => {
      const source = hot('-a-#');
      const drain = cold('--x----');
      const out = source.pipe(deliverOnDrain(drain, { kind: 'lossless' }));
      expectObservable(out).toBe('--x#', { x: ['a'] });
      expectSubscriptions(drain.subscriptions).toBe('^--!');
    });
  });

  it('rejects a queue capacity that is not a positive integer', () => {
    expect(() => new Subject<number>().pipe(deliverOnDrain(new Subject<void>(), { kind: 'queue', capacity: 0 }))).toThrow('"capacity" must be a positive integer, got 0');
  });
});
