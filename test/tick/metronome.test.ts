/**
 * The metronome. Timing is never asserted (figures live in bench/metronome.bench.ts); what is asserted:
 * the skip logic against a fake clock, exact error texts, and invariants that hold on any machine —
 * ticks strictly increase, deadlines follow the schedule, callbacks are never early nor a period late
 * (the gate skips instead), counts add up, nothing runs after stop(), the worker exits.
 */
import { describe, expect, it } from 'vitest';
import { tryLoadHalNative } from '../../hal/native/index.js';
import { Metronome, TickGate, checkPeriodNs, type MetronomeOptions, type MetronomeTick } from '../../src/tick/metronome.js';

const MS = 1_000_000n;
const hasAddon = tryLoadHalNative().hal !== null;

describe('TickGate (fake clock)', () => {
  const P = 1_000_000n; // 1 ms
  const notice = (tick: number, periodNs = P) => ({ tick, deadlineNs: 10_000n + BigInt(tick) * periodNs, periodNs });

  it('delivers on-time notices in order and drops stale ones', () => {
    const gate = new TickGate();
    expect(gate.admit(notice(0), 10_100n)).toEqual({ tick: 0, deadlineNs: 10_000n });
    expect(gate.admit(notice(1), 1_010_500n)).toEqual({ tick: 1, deadlineNs: 1_010_000n });
    expect(gate.admit(notice(1), 1_010_600n)).toBeNull();
    expect(gate.admit(notice(0), 1_010_700n)).toBeNull();
    expect(gate.skipped).toBe(0);
    expect(gate.lastTick).toBe(1);
  });

  it('a consumer a period or more behind skips to the current tick, never bursts', () => {
    const gate = new TickGate();
    gate.admit(notice(0), 10_000n);
    // Tick 1 is read 3.5 periods after its deadline: tick 4 (deadline 1 + 3 periods) is the current one.
    expect(gate.admit(notice(1), 1_010_000n + 3_500_000n)).toEqual({ tick: 4, deadlineNs: 4_010_000n });
    expect(gate.skipped).toBe(3); // ticks 1, 2 and 3
    // The notices for 2, 3, 4 that queued meanwhile are stale.
    for (const t of [2, 3, 4]) expect(gate.admit(notice(t), 4_600_000n)).toBeNull();
    expect(gate.admit(notice(5), 5_010_001n)).toEqual({ tick: 5, deadlineNs: 5_010_000n });
    expect(gate.skipped).toBe(3);
  });

  it('exactly one period late is the next tick; just under is still this one', () => {
    const gate = new TickGate();
    expect(gate.admit(notice(0), 10_000n + P - 1n)).toEqual({ tick: 0, deadlineNs: 10_000n });
    expect(gate.admit(notice(1), 1_010_000n + P)).toEqual({ tick: 2, deadlineNs: 2_010_000n });
    expect(gate.skipped).toBe(1);
  });

  it('counts gaps left by the metronome thread itself and a first tick after 0', () => {
    const gate = new TickGate();
    expect(gate.admit(notice(3), 3_010_000n)).toEqual({ tick: 3, deadlineNs: 3_010_000n });
    expect(gate.admit(notice(7), 7_010_000n)).toEqual({ tick: 7, deadlineNs: 7_010_000n });
    expect(gate.skipped).toBe(3 + 3);
  });

  it('extrapolates with the period of the notice', () => {
    const gate = new TickGate();
    const n = { tick: 10, deadlineNs: 50_000_000n, periodNs: 5n * MS };
    expect(gate.admit(n, 50_000_000n + 12n * MS)).toEqual({ tick: 12, deadlineNs: 60_000_000n });
  });
});

describe('Metronome arguments', () => {
  const onTick = (): void => undefined;

  it('rejects bad periods with exact texts', () => {
    expect(() => checkPeriodNs(50)).toThrow(new RangeError('"periodNs" must be an integer number of ns in [100000, 60000000000], got 50'));
    expect(() => checkPeriodNs(1.5e6 + 0.5)).toThrow('got 1500000.5');
    expect(() => checkPeriodNs(61_000_000_000n)).toThrow('got 61000000000n');
    expect(() => checkPeriodNs('1ms')).toThrow('got string');
    expect(checkPeriodNs(1_000_000)).toBe(1_000_000n);
  });

  it('rejects a missing callback', () => {
    expect(() => new Metronome({ periodNs: MS } as unknown as MetronomeOptions)).toThrow(new TypeError('"onTick" must be a function, got undefined'));
  });

  it('picks the addon sleep when the addon is built, Atomics.wait otherwise or when asked', () => {
    expect(new Metronome({ periodNs: MS, onTick }).stats().sleep).toBe(hasAddon ? 'addon' : 'atomics');
    expect(new Metronome({ periodNs: MS, onTick, sleep: 'atomics' }).stats()).toMatchObject({ sleep: 'atomics', wake: 'atomics', ticks: 0, lastTick: -1 });
  });

  it('starts once', async () => {
    const m = new Metronome({ periodNs: 10n * MS, onTick });
    await m.start();
    await expect(m.start()).rejects.toThrow('Metronome.start: already running; a Metronome starts once');
    await m.stop();
    await m.stop(); // idempotent
  });
});

/** Run a metronome until `count` callbacks, then stop it; returns the ticks seen and the stats. */
async function runUntil(options: Omit<MetronomeOptions, 'onTick'>, count: number, onEach?: (t: MetronomeTick, m: Metronome) => void) {
  const seen: MetronomeTick[] = [];
  let done = (): void => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const m: Metronome = new Metronome({
    ...options,
    onTick: (t) => {
      seen.push(t);
      if (seen.length === count) done();
      onEach?.(t, m);
    },
  });
  const startNs = process.hrtime.bigint() + 5n * MS;
  await m.start(startNs);
  await finished;
  await m.stop();
  const after = seen.length;
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(seen.length).toBe(after); // nothing after stop()
  return { seen, stats: m.stats(), startNs };
}

const modes: readonly Pick<MetronomeOptions, 'sleep' | 'wake' | 'spinNs'>[] = [
  ...(hasAddon ? [{ sleep: 'addon', wake: 'atomics' } as const, { sleep: 'addon', wake: 'message' } as const] : []),
  { sleep: 'atomics', wake: 'atomics' },
  { sleep: 'atomics', wake: 'message', spinNs: 100_000 },
];

describe.each(modes)('Metronome (sleep $sleep, wake $wake)', (mode) => {
  it('ticks in order on the schedule, never early, never a period late, and the counts add up', async () => {
    const periodNs = 2n * MS;
    const { seen, stats, startNs } = await runUntil({ ...mode, periodNs }, 40);
    for (const [i, t] of seen.entries()) {
      if (i > 0) expect(t.tick).toBeGreaterThan((seen[i - 1] as MetronomeTick).tick);
      expect(t.deadlineNs).toBe(startNs + BigInt(t.tick) * periodNs);
      expect(t.lateByNs).toBeGreaterThanOrEqual(0);
      expect(t.lateByNs).toBeLessThan(Number(periodNs));
    }
    expect(stats.ticks).toBe(seen.length);
    expect(stats.lastTick).toBe((seen.at(-1) as MetronomeTick).tick);
    expect(stats.ticks + stats.skipped).toBe(stats.lastTick + 1);
    expect(stats.lateness.count).toBe(seen.length);
  });

  it('a callback that blocks for 4.5 periods makes the next tick skip at least 4, with no burst', async () => {
    const periodNs = 2n * MS;
    let calls = 0;
    const { seen, stats } = await runUntil({ ...mode, periodNs }, 8, (t) => {
      calls += 1;
      if (calls !== 3) return;
      const until = t.deadlineNs + (9n * periodNs) / 2n;
      while (process.hrtime.bigint() < until); // block the consumer thread
    });
    const [blocked, next] = [seen[2] as MetronomeTick, seen[3] as MetronomeTick];
    expect(next.tick).toBeGreaterThanOrEqual(blocked.tick + 4);
    expect(stats.skipped).toBeGreaterThanOrEqual(3);
    expect(stats.ticks + stats.skipped).toBe(stats.lastTick + 1);
  });
});

describe('Metronome behaviour', () => {
  it('setPeriod: later deadlines are spaced by the new period', async () => {
    let calls = 0;
    const { seen } = await runUntil({ periodNs: 2n * MS }, 20, (_t, m) => {
      calls += 1;
      if (calls === 3) m.setPeriod(3_000_000);
    });
    const tail = seen.slice(-5);
    const first = tail[0] as MetronomeTick;
    for (const t of tail) expect(t.deadlineNs - first.deadlineNs).toBe(BigInt(t.tick - first.tick) * 3n * MS);
  });

  it('a throwing callback goes to onError and the metronome goes on', async () => {
    const errors: [string, number | undefined][] = [];
    let calls = 0;
    const { stats } = await runUntil(
      { periodNs: MS, onError: (e, t) => errors.push([(e as Error).message, t?.tick]) },
      6,
      (t) => {
        calls += 1;
        if (calls % 2 === 0) throw new Error(`tick ${t.tick}`);
      },
    );
    expect(errors.length).toBe(3);
    expect(stats.errors).toBe(3);
    for (const [message, tick] of errors) expect(message).toBe(`tick ${tick}`);
  });

  it('stop() before start() and during start() leave nothing running', async () => {
    const idle = new Metronome({ periodNs: MS, onTick: () => undefined });
    await idle.stop();
    await expect(idle.start()).rejects.toThrow('Metronome.start: already stopped; a Metronome starts once');
    let calls = 0;
    const m = new Metronome({ periodNs: MS, onTick: () => (calls += 1) });
    const started = m.start();
    await m.stop();
    await started;
    expect(calls).toBe(0);
  });

  it.skipIf(!hasAddon)('realtime: a bad priority fails start() with the exact text', async () => {
    const m = new Metronome({ periodNs: MS, onTick: () => undefined, realtime: { priority: 120 } });
    await expect(m.start()).rejects.toThrow('"priority" must be an integer in [1, 99], got 120');
  });

  it.skipIf(!hasAddon)('realtime: the metronome thread runs SCHED_FIFO on the asked CPU, or start() says EPERM', async () => {
    const cpu = (tryLoadHalNative().hal?.getThreadAffinity() ?? [0])[0] as number;
    const m = new Metronome({ periodNs: MS, onTick: () => undefined, realtime: { priority: 20, cpus: [cpu] } });
    try {
      await m.start();
    } catch (error) {
      expect((error as { code?: string }).code).toBe('EPERM');
      expect((error as Error).message).toMatch(/^karana_hal: setThreadRealtime\(20, 'fifo'\) was refused \(EPERM\)/);
      return;
    }
    const thread = m.stats().thread;
    await m.stop();
    expect(thread?.scheduler).toEqual({ policy: 'fifo', priority: 20 });
    expect(thread?.cpus).toEqual([cpu]);
    expect(thread?.threadId).not.toBe(process.pid);
  });
});
