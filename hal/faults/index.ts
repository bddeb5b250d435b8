/**
 * Fault injection and disconnect handling for a session's devices, in one call for the session loader:
 * `wrapDevice(device, faults)` puts the {@link FaultyDevice} of a `[[devices]]` entry's `faults` table around
 * the device and, when the faults unplug it or the device is live, a {@link ReconnectingDevice} around that,
 * so an unplug is reported (`disconnected`, `reconnecting`, `open`) and survived instead of ending the device.
 * Call it on the unopened device, then `open()` the result.
 */
import { ReconnectingDevice } from '../live/reconnect.js';
import type { ReconnectOptions } from '../live/reconnect.js';
import type { AnyDevice, Device, DeviceInfo, Stamped } from '../types.js';
import { FaultyDevice } from './faulty-device.js';
import type { FaultyDeviceOptions } from './faulty-device.js';
import type { FaultsConfig } from './schema.js';

export { FaultsSchema, parseFaults, type FaultsConfig, type FaultsInput } from './schema.js';
export { FaultyDevice, withFaults, type FaultStats } from './faulty-device.js';

export interface WrapOptions {
  readonly faults?: FaultyDeviceOptions;
  readonly reconnect?: ReconnectOptions;
}

/** `device` with its faults injected and, if it can go away, reconnection (see the module documentation). */
export function wrapDevice(device: AnyDevice, faults: FaultsConfig | undefined, options: WrapOptions = {}): AnyDevice {
  const generic = device as Device<DeviceInfo, Stamped>;
  const faulty = faults === undefined ? generic : new FaultyDevice(generic, faults, options.faults);
  const canUnplug = (faults?.disconnect.length ?? 0) > 0 || !device.info.replay;
  return (canUnplug ? new ReconnectingDevice(faulty, options.reconnect) : faulty) as unknown as AnyDevice;
}
