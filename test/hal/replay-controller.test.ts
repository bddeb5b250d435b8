import { describe, expect, it } from 'vitest';
import { ReplayController } from '../../hal/replay/controller.js';

describe('ReplayController', () => {
  it('counts the runtime time spent paused, the current pause included', () => {
    let now = 0;
    const c = new ReplayController(() => now);
    expect(c.pausedNs()).toBe(0);
    now = 1_000;
    c.pause();
    now = 4_000;
    expect(c.pausedNs()).toBe(3_000);
    c.resume();
    now = 10_000;
    c.toggle();
    now = 12_500;
    c.toggle();
    expect(c.pausedNs()).toBe(5_500);
    expect(c.shiftNs(500)).toBe(0);
    expect(c.shiftNs(2_000)).toBe(3_000);
    expect(c.shiftNs(8_000)).toBe(5_500);
  });
});
