/** Shared helpers of the serial driver tests: the recordings they encode and a bounded reader of live devices. */
import { join } from 'node:path';
import { SHARED_DATA } from '../data.js';

export const BROAD_07 = join(SHARED_DATA, 'imu_broad/07_undisturbed_fast_rotation_B.csv');
export const XIO_CSV = join(SHARED_DATA, 'imu_fusion_xio/sensor_data.csv');
export const MH01_IMU_CSV = join(SHARED_DATA, 'euroc_mh01_excerpt/mav0/imu0/data.csv');

/** Reads `count` items from a live device, collecting SampleErrors instead of throwing them. */
export async function readLive<T>(device: { read(): Promise<T | null> }, count: number, maxErrors = 1_000_000): Promise<{ samples: T[]; errors: Error[] }> {
  const samples: T[] = [];
  const errors: Error[] = [];
  while (samples.length < count && errors.length <= maxErrors) {
    try {
      const s = await device.read();
      if (s === null) break;
      samples.push(s);
    } catch (err) {
      if (!(err instanceof Error) || err.name !== 'SampleError') throw err;
      errors.push(err);
    }
  }
  return { samples, errors };
}

/**
 * Waits until a serial driver has received all `totalBytes` of an emulated stream (event-loop turns, no
 * wall-clock wait), then reads everything it queued: the samples and the SampleErrors.
 */
export async function drainStream<T>(
  device: { read(): Promise<T | null>; readonly bytesReceived: number; readonly stats: { received: number; sampleErrors: number; dropped: number } },
  totalBytes: number,
): Promise<{ samples: T[]; errors: Error[] }> {
  for (let turns = 0; device.bytesReceived < totalBytes; turns++) {
    if (turns > 1_000_000) throw new Error(`stream stalled at ${device.bytesReceived} of ${totalBytes} bytes`);
    await new Promise((r) => setImmediate(r));
  }
  const queued = device.stats.received + device.stats.sampleErrors - device.stats.dropped;
  const samples: T[] = [];
  const errors: Error[] = [];
  for (let i = 0; i < queued; i++) {
    try {
      const s = await device.read();
      if (s !== null) samples.push(s);
    } catch (err) {
      if (!(err instanceof Error) || err.name !== 'SampleError') throw err;
      errors.push(err);
    }
  }
  return { samples, errors };
}
