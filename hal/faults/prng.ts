/**
 * A small seeded PRNG for fault choices (which sample to drop or corrupt, when a random stall starts), so a
 * fault scenario replays the same way every time: mulberry32 (Tommy Ettinger, public domain; 32-bit state,
 * period 2^32), enough for choosing faults — never a stand-in for sensor data.
 */
export type Random = () => number;

/** A generator of uniform numbers in [0, 1) from `seed` (any integer; the same seed gives the same sequence). */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
