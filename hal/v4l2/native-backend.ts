/**
 * The real V4L2 backend: the C addon's `v4l2…` functions (`hal/native/v4l2.c`) behind {@link V4l2Port}.
 * Linux only; where the addon is missing, `open()` rejects with the addon loader's reason (how to build it).
 */
import { tryLoadHalNative } from '../native/index.js';
import type { HalNative, V4l2Handle } from '../native/index.js';
import type { V4l2Backend, V4l2Port } from './backend.js';

class NativePort implements V4l2Port {
  constructor(
    private readonly hal: HalNative,
    private readonly handle: V4l2Handle,
    readonly path: string,
  ) {}
  queryCap = () => this.hal.v4l2QueryCap(this.handle);
  enumFormats = () => this.hal.v4l2EnumFormats(this.handle);
  setFormat = (fourcc: string, w: number, h: number) => this.hal.v4l2SetFormat(this.handle, fourcc, w, h);
  setFrameInterval = (n: number, d: number) => this.hal.v4l2SetFrameInterval(this.handle, n, d);
  startStreaming = (count: number) => this.hal.v4l2StartStreaming(this.handle, count);
  dequeue = (timeoutMs: number) => this.hal.v4l2Dequeue(this.handle, timeoutMs);
  queue = (index: number) => this.hal.v4l2Queue(this.handle, index);
  cancel = () => this.hal.v4l2Cancel(this.handle);
  stopStreaming = () => this.hal.v4l2StopStreaming(this.handle);
  close = () => this.hal.v4l2Close(this.handle);
}

/** The C addon as a {@link V4l2Backend}. */
export const nativeV4l2Backend: V4l2Backend = {
  name: 'native',
  open(path: string): Promise<V4l2Port> {
    const loaded = tryLoadHalNative();
    if (loaded.hal === null) return Promise.reject(new Error(loaded.reason));
    const hal = loaded.hal;
    return new Promise((resolve) => resolve(new NativePort(hal, hal.v4l2Open(path), path)));
  },
};
