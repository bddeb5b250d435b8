/**
 * SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014): the seeded
 * generator of simulated physical effects (gyro white noise in the prediction evaluation, queueing delays in
 * tests), the same one the Rust tests use so that figures agree. Never a stand-in for sensor data.
 */
const MASK = (1n << 64n) - 1n;

export class SplitMix64 {
  #s: bigint;
  /** `seed`: an integer (fractions are truncated). */
  constructor(seed: number) {
    this.#s = BigInt(Math.trunc(seed));
  }

  /** Uniform in [0, 1) from the top 53 bits. */
  uniform(): number {
    this.#s = (this.#s + 0x9e3779b97f4a7c15n) & MASK;
    let z = this.#s;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK;
    z ^= z >> 31n;
    return Number(z >> 11n) / 2 ** 53;
  }

  /** Exponentially distributed with the given mean (inverse CDF). */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.uniform());
  }
}
