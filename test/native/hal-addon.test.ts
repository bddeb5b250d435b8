/**
 * The karana_hal C addon (Linux): clocks, deadline sleep, scheduling, affinity, timer slack, and the
 * wrapper's loading and error texts. Argument errors are asserted by exact text; scheduling results are
 * asserted by reading them back, never by timing.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { halAddonPath, loadHalNative, pinCallingThread, tryLoadHalNative, tryLoadHalNativeFrom, type HalNative } from '../../hal/native/index.js';

const onLinux = process.platform === 'linux';

/** Runs `code` (CommonJS, `hal` bound to the addon) in a fresh node with RLIMIT_RTPRIO 0, as nobody when root. */
function runUnprivileged(code: string): string {
  const script = `const hal = require(${JSON.stringify(halAddonPath())}); ${code}`;
  const root = process.getuid?.() === 0;
  const run = spawnSync('sh', ['-c', 'ulimit -r 0 && exec "$0" -e "$1"', process.execPath, script], {
    encoding: 'utf8',
    ...(root ? { uid: 65534, gid: 65534 } : {}),
  });
  if (run.status !== 0) throw new Error(`child failed (${run.status}): ${run.stderr}`);
  return run.stdout.trim();
}

function thrown(fn: () => unknown): { name: string; code: unknown; message: string } {
  try {
    fn();
  } catch (error) {
    const e = error as Error & { code?: unknown };
    return { name: e.name, code: e.code, message: e.message };
  }
  throw new Error('expected a throw');
}

describe('karana_hal wrapper', () => {
  it('finds the addon under the package root, from the TS sources as from dist/', () => {
    expect(halAddonPath()).toBe(path.resolve(import.meta.dirname, '../../build/Release/karana_hal.node'));
  });

  it('says what is missing and how to build it', () => {
    const result = tryLoadHalNativeFrom('/nonexistent/karana_hal.node');
    expect(result.hal).toBeNull();
    expect(result.reason).toBe(
      onLinux
        ? 'karana_hal: native addon not found at /nonexistent/karana_hal.node; build it with `npm run build` or ' +
            '`node hal/native/build.mjs` (needs python3, make, a C compiler and the Node headers)'
        : `karana_hal: the HAL addon is Linux-only; this is ${process.platform}`,
    );
  });
});

describe.skipIf(!onLinux)('karana_hal addon (Linux)', () => {
  const hal: HalNative = loadHalNative();

  it('loads through tryLoadHalNative with no reason', () => {
    expect(tryLoadHalNative()).toEqual({ hal, reason: null });
    expect(Object.keys(hal).sort()).toEqual(
      ['getThreadAffinity', 'getThreadScheduler', 'monotonicNs', 'monotonicRawNs', 'setThreadAffinity', 'setThreadNormal',
        'setThreadRealtime', 'setTimerSlackNs', 'sleepUntilMonotonicNs', 'threadId',
        ...['Cancel', 'Close', 'Dequeue', 'EnumFormats', 'GetFormat', 'Open', 'QueryCap', 'Queue', 'SetFormat', 'SetFrameInterval', 'StartStreaming', 'StopStreaming'].map((f) => `v4l2${f}`)].sort(),
    );
  });

  it('monotonicNs is the clock of process.hrtime.bigint (read between two hrtime reads)', () => {
    let closest = Infinity;
    for (let i = 0; i < 100; i++) {
      const before = process.hrtime.bigint();
      const mono = hal.monotonicNs();
      const after = process.hrtime.bigint();
      expect(mono >= before && mono <= after).toBe(true);
      closest = Math.min(closest, Number(after - before));
    }
    expect(closest).toBeLessThan(5_000); // agreement within a few µs
  });

  it('monotonicRawNs runs at the rate of CLOCK_MONOTONIC (NTP slews it by at most 500 ppm)', () => {
    /** A raw reading and the midpoint of the tightest pair of monotonic reads around it. */
    const sample = (): [bigint, bigint] => {
      let best: [bigint, bigint, bigint] = [0n, 0n, 1n << 62n];
      for (let i = 0; i < 20; i++) {
        const m1 = hal.monotonicNs();
        const raw = hal.monotonicRawNs();
        const m2 = hal.monotonicNs();
        if (m2 - m1 < best[2]) best = [raw, (m1 + m2) / 2n, m2 - m1];
      }
      return [best[0], best[1]];
    };
    const [raw0, mono0] = sample();
    hal.sleepUntilMonotonicNs(mono0 + 50_000_000n);
    const [raw1, mono1] = sample();
    expect(Math.abs(Number(raw1 - raw0) / Number(mono1 - mono0) - 1)).toBeLessThan(1e-3);
  });

  it('sleepUntilMonotonicNs never returns before the deadline, and returns for a past one', () => {
    for (let i = 0; i < 20; i++) {
      const deadline = process.hrtime.bigint() + 200_000n;
      hal.sleepUntilMonotonicNs(deadline);
      expect(process.hrtime.bigint() >= deadline).toBe(true);
    }
    hal.sleepUntilMonotonicNs(0n);
  });

  it('rejects bad deadlines with exact texts', () => {
    const text = '"deadline" must be a bigint of ns on CLOCK_MONOTONIC in [0, 2^63), got';
    expect(thrown(() => hal.sleepUntilMonotonicNs(5 as unknown as bigint))).toMatchObject({ name: 'TypeError', message: `${text} 5` });
    expect(thrown(() => hal.sleepUntilMonotonicNs(-5n))).toMatchObject({ name: 'RangeError', message: `${text} -5n` });
    expect(thrown(() => hal.sleepUntilMonotonicNs(2n ** 64n)).message).toBe(`${text} a bigint outside the int64 range`);
  });

  it('threadId is the pid on the main thread and differs in a worker', async () => {
    expect(hal.threadId()).toBe(process.pid);
    const worker = new Worker(`const { parentPort } = require('node:worker_threads'); parentPort.postMessage(require(${JSON.stringify(halAddonPath())}).threadId());`, { eval: true });
    const tid = await new Promise<number>((resolve) => worker.once('message', resolve));
    expect(tid).not.toBe(process.pid);
    expect(tid).toBeGreaterThan(0);
  });

  it('rejects bad priorities and policies with exact texts', () => {
    expect(thrown(() => hal.setThreadRealtime(120, 'fifo'))).toMatchObject({ name: 'RangeError', message: '"priority" must be an integer in [1, 99], got 120' });
    expect(thrown(() => hal.setThreadRealtime(1.5, 'rr')).message).toBe('"priority" must be an integer in [1, 99], got 1.5');
    expect(thrown(() => hal.setThreadRealtime('x' as unknown as number, 'fifo'))).toMatchObject({ name: 'TypeError', message: `"priority" must be an integer in [1, 99], got 'x'` });
    expect(thrown(() => hal.setThreadRealtime(10, 'idle' as 'fifo')).message).toBe(`"policy" must be 'fifo' or 'rr', got 'idle'`);
    expect(hal.getThreadScheduler()).toEqual({ policy: 'other', priority: 0 });
  });

  it('EPERM names the cause and the fix (unprivileged child, RLIMIT_RTPRIO 0)', (ctx) => {
    const out = runUnprivileged(`try { hal.setThreadRealtime(50, 'fifo'); console.log('permitted'); } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }`);
    if (out === 'permitted') ctx.skip(); // the child still had CAP_SYS_NICE
    expect(JSON.parse(out)).toEqual({
      code: 'EPERM',
      message:
        "karana_hal: setThreadRealtime(50, 'fifo') was refused (EPERM): real-time priority 50 needs CAP_SYS_NICE or " +
        'RLIMIT_RTPRIO >= 50 (soft limit here: 0), and with cgroup RT group scheduling a cgroup with cpu.rt_runtime_us > 0. ' +
        'Fix: grant CAP_SYS_NICE (setcap cap_sys_nice+ep on the node binary, or docker run --cap-add=SYS_NICE), raise the ' +
        "limit (ulimit -r 50, or an 'rtprio' line in /etc/security/limits.conf), or run as root",
    });
  });

  it('setThreadRealtime / setThreadNormal change the calling thread only, or fail with EPERM', (ctx) => {
    const worker = new Worker(
      `const { parentPort } = require('node:worker_threads'); const hal = require(${JSON.stringify(halAddonPath())});
       try { hal.setThreadRealtime(10, 'rr'); const rt = hal.getThreadScheduler(); hal.setThreadNormal();
             parentPort.postMessage({ rt, after: hal.getThreadScheduler() }); }
       catch (e) { parentPort.postMessage({ code: e.code }); }`,
      { eval: true },
    );
    return new Promise<void>((resolve) =>
      worker.once('message', (m: { code?: string; rt?: unknown; after?: unknown }) => {
        if (m.code === 'EPERM') ctx.skip();
        expect(m).toEqual({ rt: { policy: 'rr', priority: 10 }, after: { policy: 'other', priority: 0 } });
        expect(hal.getThreadScheduler()).toEqual({ policy: 'other', priority: 0 });
        resolve();
      }),
    );
  });

  it('sets and reads back the affinity of the calling thread, all or nothing', () => {
    const all = hal.getThreadAffinity();
    expect(all.length).toBeGreaterThan(0);
    const first = all[0] as number;
    hal.setThreadAffinity([first]);
    expect(hal.getThreadAffinity()).toEqual([first]);
    expect(thrown(() => hal.setThreadAffinity([first, 1000]))).toMatchObject({
      name: 'RangeError',
      code: 'EINVAL',
      message: `"cpus[1]" = 1000 is not a CPU this thread may run on (offline, absent, or outside this process's cpuset)`,
    });
    expect(hal.getThreadAffinity()).toEqual([first]);
    hal.setThreadAffinity(all);
    expect(hal.getThreadAffinity()).toEqual(all);
  });

  it('rejects bad CPU lists with exact texts', () => {
    expect(thrown(() => hal.setThreadAffinity([])).message).toBe('"cpus" must be a non-empty array of CPU numbers, got []');
    expect(thrown(() => hal.setThreadAffinity(3 as unknown as number[])).message).toBe('"cpus" must be a non-empty array of CPU numbers, got 3');
    expect(thrown(() => hal.setThreadAffinity([0, 4096])).message).toBe('"cpus[1]" must be an integer in [0, 1023], got 4096');
    expect(thrown(() => hal.setThreadAffinity([-1])).message).toBe('"cpus[0]" must be an integer in [0, 1023], got -1');
    expect(thrown(() => hal.setThreadAffinity(new Array<number>(1025).fill(0))).message).toBe('"cpus" must have at most 1024 entries, got 1025');
  });

  it('setTimerSlackNs sets the calling thread timer slack (read back from /proc)', () => {
    const file = `/proc/${hal.threadId()}/timerslack_ns`; // proc(5)
    const before = Number(readFileSync(file, 'utf8'));
    hal.setTimerSlackNs(1);
    expect(Number(readFileSync(file, 'utf8'))).toBe(1);
    hal.setTimerSlackNs(before);
    expect(thrown(() => hal.setTimerSlackNs(0)).message).toBe('"slackNs" must be an integer in [1, 1000000000], got 0');
  });

  it('pinCallingThread applies affinity (and priority when permitted) and restores both', () => {
    const cpus = hal.getThreadAffinity();
    const first = cpus[0] as number;
    let pinned;
    try {
      pinned = pinCallingThread({ cpus: [first], priority: 5, policy: 'fifo' });
      expect(pinned.scheduler).toEqual({ policy: 'fifo', priority: 5 });
    } catch (error) {
      expect((error as { code?: string }).code).toBe('EPERM');
      expect(hal.getThreadAffinity()).toEqual(cpus); // rolled back
      pinned = pinCallingThread({ cpus: [first] });
    }
    expect(pinned.threadId).toBe(process.pid);
    expect(pinned.cpus).toEqual([first]);
    pinned.restore();
    expect(hal.getThreadScheduler()).toEqual({ policy: 'other', priority: 0 });
    expect(hal.getThreadAffinity()).toEqual(cpus);
  });
});
