/**
 * An emulated sysfs tree in a temporary folder, laid out as the kernel's (Documentation/ABI/testing/
 * sysfs-class-thermal and sysfs-class-power) so the sysfs drivers read it with `sysfsRoot` = its root:
 * `class/thermal/thermal_zone<N>/{type,temp}` (m°C) and `class/power_supply/<name>/{type,status,capacity,
 * voltage_now (µV),current_now (µA, negative while discharging),power_now (µW)}`, plus a Mains supply `AC`
 * (`online` 1). `step()` writes the next row of every trace, each file replaced atomically (write + rename,
 * so a reader never sees half a value, as with sysfs' single-read attributes); `start(periodMs)` steps on a
 * timer. `corrupt(file, text)` writes arbitrary text into one attribute (fault injection).
 */
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BatteryTrace, ThermalTrace } from './traces.js';

export class EmulatedSysfs {
  readonly root: string;
  readonly #thermal: readonly ThermalTrace[];
  readonly #batteries: readonly BatteryTrace[];
  #row = -1;
  #timer: NodeJS.Timeout | undefined;
  /** The step the timer started, while it runs. */
  #stepping: Promise<void> | undefined;

  private constructor(root: string, thermal: readonly ThermalTrace[], batteries: readonly BatteryTrace[]) {
    this.root = root;
    this.#thermal = thermal;
    this.#batteries = batteries;
  }

  /** Creates the tree with the first row of every trace written. */
  static async create(traces: { thermal?: readonly ThermalTrace[]; batteries?: readonly BatteryTrace[] }): Promise<EmulatedSysfs> {
    const root = await mkdtemp(join(tmpdir(), 'karana-sysfs-'));
    const tree = new EmulatedSysfs(root, traces.thermal ?? [], traces.batteries ?? []);
    for (const [i, z] of tree.#thermal.entries()) await tree.#write(`class/thermal/thermal_zone${i}/type`, z.type);
    for (const b of tree.#batteries) await tree.#write(`class/power_supply/${b.name}/type`, 'Battery');
    await tree.#write('class/power_supply/AC/type', 'Mains');
    await tree.#write('class/power_supply/AC/online', '1');
    await tree.step();
    return tree;
  }

  /** Index of the row on display. */
  get row(): number {
    return this.#row;
  }

  /** Writes the next row of every trace (a trace that ended keeps its last row); false once all ended. */
  async step(): Promise<boolean> {
    this.#row += 1;
    const r = this.#row;
    let more = false;
    for (const [i, z] of this.#thermal.entries()) {
      const c = z.tempC[Math.min(r, z.tempC.length - 1)];
      if (r < z.tempC.length) more = true;
      if (c !== undefined) await this.#write(`class/thermal/thermal_zone${i}/temp`, String(Math.round(c * 1000)));
    }
    for (const b of this.#batteries) {
      const row = b.rows[Math.min(r, b.rows.length - 1)];
      if (r < b.rows.length) more = true;
      if (row === undefined) continue;
      const dir = `class/power_supply/${b.name}`;
      const currentUa = Math.round((row.powerMw / row.voltageMv) * 1e6) * (b.status === 'Discharging' ? -1 : 1);
      await this.#write(`${dir}/status`, b.status);
      await this.#write(`${dir}/capacity`, String(row.percent));
      await this.#write(`${dir}/voltage_now`, String(row.voltageMv * 1000));
      await this.#write(`${dir}/current_now`, String(currentUa));
      await this.#write(`${dir}/power_now`, String(row.powerMw * 1000));
    }
    return more;
  }

  /** Steps every `periodMs` until `stop()` (one step at a time; `remove()` waits for the one running). */
  start(periodMs: number): void {
    this.stop();
    this.#timer = setInterval(() => {
      if (this.#stepping !== undefined) return;
      this.#stepping = this.step()
        .then(() => undefined)
        .catch(() => undefined) // the tree was removed under a step: nothing to write to any more
        .finally(() => (this.#stepping = undefined));
    }, periodMs);
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Writes `text` (plus a newline) into `file` (relative to the root), e.g. to inject a bad value. */
  corrupt(file: string, text: string): Promise<void> {
    return this.#write(file, text);
  }

  async remove(): Promise<void> {
    this.stop();
    await this.#stepping;
    await rm(this.root, { recursive: true, force: true });
  }

  async #write(file: string, text: string): Promise<void> {
    const path = join(this.root, file);
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(`${path}.tmp`, `${text}\n`);
    await rename(`${path}.tmp`, path);
  }
}
