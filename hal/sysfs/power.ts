/**
 * `sysfs-power`: a power supply of the Linux power-supply class, polled from
 * `<sysfsRoot>/class/power_supply/<name>/` (kernel Documentation/ABI/testing/sysfs-class-power):
 * `type` (Battery, UPS, Mains, USB, Wireless), `status` (Unknown, Charging, Discharging, Not charging,
 * Full), `capacity` (%, 0–100), `voltage_now` (µV), `current_now` (µA; the ABI: negative while a battery
 * discharges, positive while it charges — drivers differ, so the sign is taken from `status` when it says),
 * `power_now` (µW), `online` (Mains/USB: 0 or 1).
 *
 * Samples: {@link PowerReading}: `batteryPercent` = capacity, `voltageV` = voltage_now / 10⁶, `powerW` =
 * power_now / 10⁶ (else |voltage_now × current_now| / 10¹²), positive while discharging, negative while
 * charging; `charging` = status is Charging. Fields the supply does not provide are omitted. sysfs has no
 * sample clock: `deviceTimeNs` = `hostTimeNs` = host CLOCK_MONOTONIC at the read.
 * Errors: `open()` → {@link DeviceError} listing the supplies when the supply is missing (a Raspberry Pi 5
 * or Jetson Orin Nano has no battery supply unless a UPS HAT or fuel-gauge driver adds one); a failed read
 * or a non-integer value → {@link SampleError} `{file, byteOffset}`, a supply that reports nothing →
 * SampleError; polling goes on.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LiveDevice, hostNowNs } from '../live/live-device.js';
import { DeviceError, SampleError } from '../types.js';
import type { PowerInfo, PowerReading } from '../types.js';
import { readAttribute, readIntegerAttribute } from './attributes.js';
import type { SysfsTreeSource } from './thermal.js';

/** A power supply: its name (directory), `type` and folder. */
export interface PowerSupply {
  readonly name: string;
  readonly type: string;
  readonly path: string;
}

/** The supplies under `<root>/class/power_supply`, by name. */
export async function listPowerSupplies(root = '/sys'): Promise<PowerSupply[]> {
  const dir = join(root, 'class/power_supply');
  const names = (await readdir(dir).catch(() => [] as string[])).sort();
  return Promise.all(names.map(async (name) => ({ name, type: (await readAttribute('probe', join(dir, name, 'type')).catch(() => undefined)) ?? '', path: join(dir, name) })));
}

export interface SysfsPowerOptions {
  readonly id: string;
  /** Supply name (e.g. `BAT0`); default the first of type Battery (else UPS). */
  readonly supply?: string;
  /** Default `/sys`. */
  readonly sysfsRoot?: string;
  /** A tree to read instead, set up at open and torn down at close (the emulated sysfs). */
  readonly emulator?: SysfsTreeSource;
  /** Polls per second, default 1. */
  readonly rateHz?: number;
}

export class SysfsPower extends LiveDevice<PowerInfo, PowerReading> {
  readonly #options: SysfsPowerOptions;
  #dir = '';

  constructor(options: SysfsPowerOptions) {
    super({ id: options.id, kind: 'power', driver: 'sysfs-power', replay: false, nominalRateHz: options.rateHz ?? 1, source: `sysfs:${options.supply ?? 'battery'}` });
    this.#options = { ...options, sysfsRoot: options.sysfsRoot ?? '/sys' };
  }

  protected async openDevice(): Promise<PowerInfo> {
    const { id, supply } = this.#options;
    const sysfsRoot = this.#options.emulator !== undefined ? await this.#options.emulator.open() : this.#options.sysfsRoot;
    const supplies = await listPowerSupplies(sysfsRoot);
    const found = supply !== undefined ? supplies.find((s) => s.name === supply) : (supplies.find((s) => s.type === 'Battery') ?? supplies.find((s) => s.type === 'UPS'));
    if (found === undefined) {
      const known = supplies.map((s) => `${s.name} (${s.type})`).join(', ');
      throw new DeviceError(id, `no power supply ${supply !== undefined ? JSON.stringify(supply) : 'of type Battery or UPS'} under ${join(sysfsRoot ?? '/sys', 'class/power_supply')}${known !== '' ? `; supplies: ${known}` : ' (none: add a UPS HAT / fuel-gauge driver, or use an I²C gauge driver)'}`);
    }
    this.#dir = found.path;
    await this.sample();
    this.startPolling(1000 / (this.#options.rateHz ?? 1), async () => this.push(await this.sample()));
    return { ...this.info, source: `sysfs:${found.path}` };
  }

  protected async closeDevice(): Promise<void> {
    await this.#options.emulator?.close();
  }

  /** Reads the supply now (what each poll does). */
  async sample(): Promise<PowerReading> {
    const id = this.info.id;
    const at = (name: string): string => join(this.#dir, name);
    const [status, capacity, uV, uA, uW] = await Promise.all([
      readAttribute(id, at('status')),
      readIntegerAttribute(id, at('capacity')),
      readIntegerAttribute(id, at('voltage_now')),
      readIntegerAttribute(id, at('current_now')),
      readIntegerAttribute(id, at('power_now')),
    ]);
    const t = hostNowNs();
    const sign = status === 'Discharging' ? 1 : status === 'Charging' ? -1 : uA !== undefined && uA > 0 ? -1 : 1;
    const magnitudeW = uW !== undefined ? Math.abs(uW) / 1e6 : uV !== undefined && uA !== undefined ? Math.abs(uV * uA) / 1e12 : undefined;
    const reading: PowerReading = {
      deviceTimeNs: t,
      hostTimeNs: t,
      ...(capacity !== undefined ? { batteryPercent: Math.min(100, Math.max(0, capacity)) } : {}),
      ...(uV !== undefined ? { voltageV: uV / 1e6 } : {}),
      ...(magnitudeW !== undefined ? { powerW: magnitudeW === 0 ? 0 : sign * magnitudeW } : {}),
      ...(status !== undefined && status !== 'Unknown' ? { charging: status === 'Charging' } : {}),
    };
    if (Object.keys(reading).length === 2) throw new SampleError(id, { file: this.#dir }, 'the supply reports none of capacity, voltage_now, current_now, power_now, status');
    return reading;
  }
}
