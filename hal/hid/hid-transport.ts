/**
 * The USB HID adapter of the HID drivers: enumeration and the few calls made on an open device, with
 * node-hid v3 (`HIDAsync`, hidapi's hidraw backend on Linux) as the real backend and the emulators
 * (`hal/emulators/hid/`) as the other. node-hid is loaded on first use, so emulator-only runs never load
 * its native module.
 */
import { Buffer } from 'node:buffer';

/** An enumeration entry (node-hid `Device`). */
export interface HidDeviceInfo {
  readonly vendorId: number;
  readonly productId: number;
  /** `/dev/hidrawN` on Linux. */
  readonly path?: string;
  readonly serialNumber?: string;
  readonly manufacturer?: string;
  readonly product?: string;
  /** USB interface number. */
  readonly interface: number;
}

/** An open HID interface. `write` takes the report without a report-id byte (the adapter adds it). */
export interface HidHandle {
  on(event: 'data', listener: (report: Buffer) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  write(report: Buffer): Promise<number>;
  close(): Promise<void>;
  removeAllListeners(): unknown;
}

export interface HidBackend {
  devices(): Promise<HidDeviceInfo[]>;
  /** Opens by path; rejects with the OS error (EACCES: udev rules missing). */
  open(path: string): Promise<HidHandle>;
}

const importNodeHid = async () => (await import('node-hid')).default;
type NodeHid = Awaited<ReturnType<typeof importNodeHid>>;
let nodeHid: Promise<NodeHid> | undefined;
const load = (): Promise<NodeHid> => (nodeHid ??= importNodeHid());

/** node-hid: writes are prefixed with report id 0 (hidapi's convention for devices without numbered reports). */
export const nodeHidBackend: HidBackend = {
  async devices() {
    return (await load()).devicesAsync();
  },
  async open(path) {
    const device = await (await load()).HIDAsync.open(path);
    return {
      on: (event: 'data' | 'error', listener: (arg: never) => void) => device.on(event, listener as (...args: unknown[]) => void),
      write: (report: Buffer) => device.write(Buffer.concat([Buffer.from([0]), report])),
      close: () => device.close(),
      removeAllListeners: () => device.removeAllListeners(),
    };
  },
};
