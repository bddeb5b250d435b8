/** Shared helpers of the XREAL tests. */
import { join } from 'node:path';
import { SHARED_DATA } from '../data.js';

export const ARIA_TRAJECTORY = join(SHARED_DATA, 'aria_head_trajectory/trajectory/closed_loop_trajectory.csv');

/** Waits (event-loop turns, no wall clock) until `done()` holds. */
export async function until(done: () => boolean, what: string): Promise<void> {
  for (let turns = 0; !done(); turns++) {
    if (turns > 2_000_000) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}
