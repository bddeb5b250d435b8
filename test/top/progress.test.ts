/**
 * The progress module: the bar, `ProgressLine` (TTY only, at most 4 redraws a second on an injected clock, ETA,
 * cleared when done, cut to the terminal's width) and `karana record`'s line with a bar when its end is known.
 */
import { describe, expect, it } from 'vitest';
import { formatProgress, formatProgressLine, ProgressLine, ProgressReporter, progressBar } from '../../src/record/progress.js';

describe('progress', () => {
  it('draws a 20-column bar with a floored percentage, clamped', () => {
    expect(progressBar(0)).toBe('[....................] 0%');
    expect(progressBar(0.456)).toBe('[#########...........] 45%');
    expect(progressBar(1)).toBe('[####################] 100%');
    expect(progressBar(7)).toBe('[####################] 100%');
    expect(progressBar(Number.NaN)).toBe('[....................] 0%');
  });

  it('formats a countable line with elapsed time and an ETA', () => {
    expect(formatProgressLine({ label: 'karana bench', total: 4, unit: 'suites' }, 1, 12, 'vio')).toBe('karana bench [#####...............] 25% 1/4 suites, 12 s, ETA 36 s · vio');
    expect(formatProgressLine({ label: 'karana bench', total: 4, unit: 'suites' }, 0, 0)).toBe('karana bench [....................] 0% 0/4 suites, 0 s');
  });

  it('ProgressLine draws on a TTY only, at most 4 times a second, and clears itself', () => {
    let t = 0;
    const tty: string[] = [];
    const line = new ProgressLine({ isTTY: true, columns: 80, write: (s: string) => tty.push(s) }, { label: 'work', total: 10, unit: 'items', now: () => t });
    for (t = 0; t < 1000; t += 50) line.update(Math.floor(t / 100));
    expect(tty.length).toBe(4); // t = 0, 250, 500, 750
    expect(tty.every((s) => s.startsWith('\r\x1b[K') && !s.includes('\n'))).toBe(true);
    expect(tty[3]).toBe('\r\x1b[Kwork [##############......] 70% 7/10 items, 1 s, ETA 0 s');
    line.finish();
    expect(tty.at(-1)).toBe('\r\x1b[K');
    const piped: string[] = [];
    const quiet = new ProgressLine({ isTTY: false, write: (s: string) => piped.push(s) }, { label: 'work', total: 10, unit: 'items' });
    quiet.update(3);
    quiet.finish();
    expect(piped).toEqual([]);
  });

  it('ProgressLine cuts the line to the terminal width', () => {
    const out: string[] = [];
    new ProgressLine({ isTTY: true, columns: 40, write: (s: string) => out.push(s) }, { label: 'karana bench', total: 3, unit: 'suites', now: () => 0 }).update(1, 'a very long suite name');
    expect(out[0]?.length).toBe('\r\x1b[K'.length + 39);
    expect(out[0]?.endsWith('…')).toBe(true);
  });

  it('karana record shows a bar when the end of the recording is known', () => {
    const p = { messages: 2614, bytes: 99_387_142, chunks: 101, syncs: 101, sessionNs: 4.5e9, done: false };
    expect(formatProgress(p, 6.2, 9.95e9)).toBe('karana record: [#########...........] 45% 2614 messages, 99.4 MB, 101 chunks, session 4.50 s, 422 msg/s, 16.0 MB/s');
    expect(formatProgress({ ...p, done: true }, 6.2, 9.95e9)).toMatch(/^karana record: \[####################\] 100% .*\(done\)$/);
    expect(formatProgress(p, 6.2)).toBe('karana record: 2614 messages, 99.4 MB, 101 chunks, session 4.50 s, 422 msg/s, 16.0 MB/s');
    const tty: string[] = [];
    new ProgressReporter({ isTTY: true, write: (s: string) => tty.push(s) }, () => 0, 9.95e9).update(p);
    expect(tty[0]).toContain('[#########...........] 45%');
  });
});
