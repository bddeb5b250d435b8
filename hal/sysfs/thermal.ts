/**
 * `sysfs-thermal`: a thermal zone of the Linux thermal framework, polled from
 * `<sysfsRoot>/class/thermal/thermal_zone<N>/{type,temp}` (kernel Documentation/ABI/testing/
 * sysfs-class-thermal: `type` "Identifies the thermal zone", `temp` "Current temperature as reported by
 * thermal zone (sensor)", unit millidegree Celsius). Raspberry Pi 5: `thermal_zone0` type `cpu-thermal`
 * (the BCM2712 sensor). Jetson Orin Nano: `cpu-thermal`, `gpu-thermal`, `soc0-thermal`… (names vary by
 * JetPack release; `karana doctor` lists them).
 *
 * Samples: {@link ThermalReading} `tempC` = temp / 1000. sysfs has no sample clock: `deviceTimeNs` =
 * `hostTimeNs` = host CLOCK_MONOTONIC at the read.
 * Errors: `open()` → {@link DeviceError} listing the zones when the zone is missing; a failed read or a
 * value that is not an integer → {@link SampleError} `{file, byteOffset}`, and polling goes on.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LiveDevice, hostNowNs } from '../live/live-device.js';
import { DeviceError } from '../types.js';
import type { ThermalInfo, ThermalReading } from '../types.js';
import { readAttribute, readIntegerAttribute } from './attributes.js';

/** A sysfs tree made on demand (the emulator): `open()` returns its root. */
export interface SysfsTreeSource {
  open(): Promise<string>;
  close(): Promise<void>;
}

/** A thermal zone: its directory name, `type`, and folder. */
export interface ThermalZone {
  readonly name: string;
  readonly type: string;
  readonly path: string;
}

/** The thermal zones under `<root>/class/thermal`, by zone number. */
export async function listThermalZones(root = '/sys'): Promise<ThermalZone[]> {
  const dir = join(root, 'class/thermal');
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => /^thermal_zone\d+$/.test(n));
  names.sort((a, b) => Number(a.slice(12)) - Number(b.slice(12)));
  return Promise.all(names.map(async (name) => ({ name, type: (await readAttribute('probe', join(dir, name, 'type')).catch(() => undefined)) ?? '', path: join(dir, name) })));
}

export interface SysfsThermalOptions {
  readonly id: string;
  /** Zone `type` (e.g. `cpu-thermal`) or directory name (`thermal_zone0`); default the first zone. */
  readonly zone?: string;
  /** Default `/sys`. */
  readonly sysfsRoot?: string;
  /** A tree to read instead, set up at open and torn down at close (the emulated sysfs). */
  readonly emulator?: SysfsTreeSource;
  /** Polls per second, default 1. */
  readonly rateHz?: number;
}

export class SysfsThermal extends LiveDevice<ThermalInfo, ThermalReading> {
  readonly #options: SysfsThermalOptions;
  #tempFile = '';

  constructor(options: SysfsThermalOptions) {
    const root = options.sysfsRoot ?? '/sys';
    super({ id: options.id, kind: 'thermal', driver: 'sysfs-thermal', replay: false, nominalRateHz: options.rateHz ?? 1, source: `sysfs:${options.zone ?? 'thermal_zone0'}`, zone: options.zone ?? 'thermal_zone0' });
    this.#options = { ...options, sysfsRoot: root };
  }

  protected async openDevice(): Promise<ThermalInfo> {
    const { id, zone } = this.#options;
    const sysfsRoot = this.#options.emulator !== undefined ? await this.#options.emulator.open() : this.#options.sysfsRoot;
    const zones = await listThermalZones(sysfsRoot);
    const found = zone === undefined ? zones[0] : zones.find((z) => z.type === zone || z.name === zone);
    if (found === undefined) {
      const known = zones.map((z) => `${z.name} (${z.type})`).join(', ');
      throw new DeviceError(id, `no thermal zone ${JSON.stringify(zone ?? 'any')} under ${join(sysfsRoot ?? '/sys', 'class/thermal')}${known !== '' ? `; zones: ${known}` : ' (no thermal zones: the kernel has no thermal driver for this board)'}`);
    }
    this.#tempFile = join(found.path, 'temp');
    await this.sample();
    this.startPolling(1000 / (this.#options.rateHz ?? 1), async () => this.push(await this.sample()));
    return { ...this.info, zone: found.type || found.name, source: `sysfs:${found.path}` };
  }

  protected async closeDevice(): Promise<void> {
    await this.#options.emulator?.close();
  }

  /** Reads the zone now (what each poll does). */
  async sample(): Promise<ThermalReading> {
    const milliC = await readIntegerAttribute(this.info.id, this.#tempFile);
    if (milliC === undefined) throw new DeviceError(this.info.id, `${this.#tempFile} disappeared (the zone was removed)`);
    const t = hostNowNs();
    return { deviceTimeNs: t, hostTimeNs: t, tempC: milliC / 1000 };
  }
}
