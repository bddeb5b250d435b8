import { describe, expect, it } from 'vitest';
import { LiveDevice } from '../../hal/live/live-device.js';
import { DeviceError, SampleError } from '../../hal/types.js';
import type { ThermalInfo, ThermalReading } from '../../hal/types.js';

/** A live thermal device whose samples the test pushes by hand (readings from the Pi 4 trace's first rows). */
class Manual extends LiveDevice<ThermalInfo, ThermalReading> {
  opened = 0;
  closed = 0;
  failOpen = false;
  constructor(capacity?: number) {
    super({ id: 'cpu', kind: 'thermal', driver: 'manual', replay: false, nominalRateHz: 1, source: 'test', zone: 'cpu' }, { queueCapacity: capacity });
  }
  protected openDevice(): Promise<ThermalInfo> {
    if (this.failOpen) return Promise.reject(new Error('EACCES'));
    this.opened += 1;
    return Promise.resolve(this.info);
  }
  protected closeDevice(): Promise<void> {
    this.closed += 1;
    return Promise.resolve();
  }
  give(t: number, tempC: number): void {
    this.push({ deviceTimeNs: BigInt(t), tempC });
  }
  bad(offset: number): void {
    this.pushSampleError(new SampleError('cpu', { byteOffset: offset }, 'bad'));
  }
  lose(): void {
    this.fail(new Error('ENODEV'));
  }
}

describe('LiveDevice', () => {
  it('hands out pushed samples in order, waits for the next, and ends with null on close', async () => {
    const d = new Manual();
    await expect(d.read()).rejects.toThrow(DeviceError);
    await d.open();
    d.give(1, 40.9);
    d.give(2, 41.4);
    expect((await d.read())?.tempC).toBe(40.9);
    expect((await d.read())?.tempC).toBe(41.4);
    const [a, b] = [d.read(), d.read()];
    d.give(3, 41.9);
    d.give(4, 42.3);
    expect([(await a)?.tempC, (await b)?.tempC]).toEqual([41.9, 42.3]);
    const pending = d.read();
    await d.close();
    expect(await pending).toBeNull();
    expect(await d.read()).toBeNull();
    expect(d.closed).toBe(1);
  });

  it('drops the oldest sample when the reader is behind, and counts it', async () => {
    const d = new Manual(2);
    await d.open();
    d.give(1, 40);
    d.give(2, 41);
    d.give(3, 42);
    expect((await d.read())?.deviceTimeNs).toBe(2n);
    expect(d.stats).toMatchObject({ received: 3, dropped: 1 });
  });

  it('delivers a sample error in stream order and goes on', async () => {
    const d = new Manual();
    await d.open();
    d.give(1, 40);
    d.bad(17);
    d.give(2, 41);
    expect((await d.read())?.deviceTimeNs).toBe(1n);
    await expect(d.read()).rejects.toThrow('cpu: byte 17: bad');
    expect((await d.read())?.deviceTimeNs).toBe(2n);
  });

  it('after a failure delivers what was queued, throws once, then null; it can be reopened', async () => {
    const d = new Manual();
    await d.open();
    d.give(1, 40);
    d.lose();
    expect((await d.read())?.deviceTimeNs).toBe(1n);
    await expect(d.read()).rejects.toThrow('cpu: lost test: ENODEV');
    expect(await d.read()).toBeNull();
    await d.open();
    expect(d.opened).toBe(2);
    d.give(5, 43);
    expect((await d.read())?.deviceTimeNs).toBe(5n);
  });

  it('a failed open names the device and can be retried', async () => {
    const d = new Manual();
    d.failOpen = true;
    await expect(d.open()).rejects.toThrow('cpu: cannot open test: EACCES');
    d.failOpen = false;
    await d.open();
    expect(d.isOpen).toBe(true);
  });
});
