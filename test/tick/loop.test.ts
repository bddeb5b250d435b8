import { describe, expect, it } from 'vitest';
import { Bus } from '../../src/bus/bus.js';
import type { ThermalReadingEvent } from '../../src/bus/topics.js';
import { ScaledClock, VirtualClock } from '../../src/tick/clock.js';
import { TickLoop, type EdgeSource, type TickInfo, type TickTimer } from '../../src/tick/loop.js';
import type { Layer } from '../../src/tick/types.js';

/** An edge that serves `times` (ns) as items and reads them asynchronously, like a device. */
function edgeOf(times: number[]): EdgeSource<number> & { reads: number } {
  const pending = [...times];
  const buffered: number[] = [];
  let watermark = Number.NEGATIVE_INFINITY;
  return {
    reads: 0,
    take(tNs) {
      const out: number[] = [];
      while (buffered.length > 0 && (buffered[0] as number) <= tNs) out.push(buffered.shift() as number);
      return out;
    },
    async ready(tNs) {
      while (pending.length > 0 && watermark <= tNs) {
        await new Promise((r) => setTimeout(r, 0));
        watermark = pending.shift() as number;
        buffered.push(watermark);
        this.reads += 1;
      }
    },
    get exhausted() {
      return pending.length === 0 && buffered.length === 0;
    },
  };
}

const thermal = (tNs: number, tempC: number): ThermalReadingEvent => ({ deviceId: 'soc', zone: 'cpu', tNs, tempC });

function hardware(tickHz: number): Layer<number, number> {
  return {
    name: 'hardware',
    rateHz: tickHz,
    budgetMs: 100,
    subscribes: [],
    init: () => 0,
    step: (n, inputs) => ({ state: n + inputs.edge.length, events: inputs.edge.map((t) => ({ topic: 'thermal.reading', payload: thermal(t, 40) })) }),
  };
}

interface Seen {
  readonly tick: number;
  readonly tNs: number;
  readonly temps: number[];
  readonly results: string[];
}

function services(rateHz: number, seen: Seen[], work = false): Layer<number> {
  return {
    name: 'services',
    rateHz,
    phaseS: 0,
    budgetMs: 100,
    subscribes: ['thermal.reading'],
    init: () => 0,
    step: (n, inputs, ctx) => {
      seen.push({
        tick: ctx.tick,
        tNs: ctx.tNs,
        temps: inputs.events.map((e) => (e.payload as ThermalReadingEvent).tNs),
        results: inputs.results.map((r) => (r.ok ? String(r.value) : `error: ${r.error}`)),
      });
      return { state: n + 1, requests: work && inputs.events.length > 0 ? [{ kind: 'slow', id: `w${n}`, payload: ctx.tNs }] : [] };
    },
  };
}

describe('TickLoop (virtual clock)', () => {
  it('folds layers 1 → 9 each tick: layer 9 sees what layer 1 emitted on the same tick', async () => {
    const clock = new VirtualClock();
    const bus = new Bus({ now: () => clock.nowNs() });
    const seen: Seen[] = [];
    const loop = new TickLoop({ layers: [services(1000, seen), hardware(1000)], bus, clock, tickHz: 1000, edges: { hardware: edgeOf([0, 2e6, 2.5e6]) }, endNs: 4e6 });
    const stats = await loop.run();
    expect(seen.map((s) => s.temps)).toEqual([[0], [], [2e6], [2.5e6], []]);
    expect(stats.ticks).toBe(5);
    expect(stats.layers.map((l) => [l.name, l.steps])).toEqual([
      ['hardware', 5],
      ['services', 5],
    ]);
  });

  it('steps each layer at its own rate and phase on the tick grid', async () => {
    const clock = new VirtualClock();
    const bus = new Bus({ now: () => clock.nowNs() });
    const seen: Seen[] = [];
    const slow: Layer<number> = { ...services(250, seen), phaseS: 0.001 };
    await new TickLoop({ layers: [slow], bus, clock, tickHz: 1000, endNs: 12e6 }).run();
    expect(seen.map((s) => s.tNs)).toEqual([1e6, 5e6, 9e6]);
  });

  it('delivers work results on a later step, after waiting for them, whatever they cost', async () => {
    const clock = new VirtualClock();
    const bus = new Bus({ now: () => clock.nowNs() });
    const seen: Seen[] = [];
    const slow = async (t: unknown): Promise<string> => {
      await new Promise((r) => setTimeout(r, 30));
      return `done@${String(t)}`;
    };
    const loop = new TickLoop({
      layers: [hardware(1000), services(1000, seen, true)],
      bus,
      clock,
      tickHz: 1000,
      edges: { hardware: edgeOf([1e6]) },
      work: { slow },
      endNs: 3e6,
    });
    const stats = await loop.run();
    expect(seen.map((s) => s.results)).toEqual([[], [], ['done@1000000'], []]);
    expect(stats.work).toEqual({ requested: 1, completed: 1, failed: 0, inFlight: 0 });
  });

  it('reports work without a handler as a failed result, not a crash', async () => {
    const clock = new VirtualClock();
    const bus = new Bus({ now: () => clock.nowNs() });
    const seen: Seen[] = [];
    await new TickLoop({ layers: [hardware(1000), services(1000, seen, true)], bus, clock, tickHz: 1000, edges: { hardware: edgeOf([0]) }, endNs: 1e6 }).run();
    expect(seen[1]?.results).toEqual(['error: no work handler for "slow" (known: none)']);
  });

  it('contains a throwing step: the layer keeps its state, the error is counted and reported, the loop goes on', async () => {
    const clock = new VirtualClock();
    const bus = new Bus({ now: () => clock.nowNs() });
    const errors: string[] = [];
    const faulty: Layer<number> = {
      name: 'interface',
      rateHz: 1000,
      budgetMs: 1,
      subscribes: [],
      init: () => 0,
      step: (n, _i, ctx) => {
        if (ctx.tick === 1) throw new Error('boom');
        return { state: n + 1 };
      },
    };
    const loop = new TickLoop({ layers: [faulty], bus, clock, tickHz: 1000, endNs: 3e6, onLayerError: (l, e) => errors.push(`${l}: ${e.message}`) });
    const stats = await loop.run();
    expect(errors).toEqual(['interface: boom']);
    expect(loop.layerState('interface')).toBe(3);
    expect(stats.layers[0]).toMatchObject({ steps: 4, errors: 1 });
  });

  it('stops on its own when the edges run dry and no work is outstanding', async () => {
    const clock = new VirtualClock();
    const bus = new Bus({ now: () => clock.nowNs() });
    const stats = await new TickLoop({ layers: [hardware(100)], bus, clock, tickHz: 100, edges: { hardware: edgeOf([0, 10e6, 20e6]) } }).run();
    expect(stats.ticks).toBe(3);
    expect(stats.runtimeNs).toBe(20e6);
  });

  it('rejects a layer faster than the tick rate, naming it', () => {
    const clock = new VirtualClock();
    const bus = new Bus({ now: () => clock.nowNs() });
    expect(() => new TickLoop({ layers: [hardware(2000)], bus, clock, tickHz: 1000 })).toThrow(
      'layer "hardware": "rateHz" must be in (0, 1000] (the tick rate), got 2000',
    );
  });
});

describe('TickLoop (real clock)', () => {
  it('runs one tick per timer callback at the deadline time and records lateness', async () => {
    const fired: TickInfo[] = [{ tick: 0, lateByNs: 10_000 }, { tick: 1, lateByNs: 20_000 }, { tick: 3, lateByNs: 30_000 }, { tick: 5, lateByNs: 0 }, { tick: 6, lateByNs: 0 }];
    let stopped = false;
    const timer: TickTimer = {
      start: async (_period, _start, onTick) => {
        for (const f of fired) onTick(f);
      },
      stop: async () => {
        stopped = true;
      },
      skipped: () => 1,
    };
    const clock = new ScaledClock(1);
    const bus = new Bus({ now: () => clock.nowNs() });
    const seen: Seen[] = [];
    const stats = await new TickLoop({ layers: [services(1000, seen)], bus, clock, tickHz: 1000, timer, endNs: 4e6 }).run();
    expect(seen.map((s) => s.tNs)).toEqual([0, 1e6, 3e6, 5e6]); // stops after the first tick at or past the end
    expect(stopped).toBe(true);
    expect(stats.skippedTicks).toBe(1);
    // Ticks 2 and 4 never ran: each counts as late by the next tick's lateness plus one period (1 ms).
    expect(stats.lateness?.count).toBe(6);
    expect(stats.lateness?.maxNs).toBe(1_030_000);
  });
});
