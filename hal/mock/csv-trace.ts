/**
 * `csv-trace`: replays a thermal or power sensor from a CSV log (one row per reading), with a column mapping:
 * a time column in `s | ms | us | ns` and value columns with a scale (e.g. `Volts (mV)` × 0.001 → V). Columns
 * are named by header name or by 0-based index (files without a header, `header: false`). Quoted numbers
 * (`"78","4138",…`) are read as numbers. Examples: Raspberry Pi `temp_bench.csv` (time s, usage %, °C) and
 * the UPSplus battery log (`"Time (s)","Volts (mV)","Power (mW)","Remaining %"`).
 *
 * Clock: `deviceTimeNs` = the time column converted exactly to ns (the trace's own, relative clock). With
 * `startS`, rows before `startS` are skipped and the clock is re-based: `deviceTimeNs` = time − startS, so the
 * first returned reading sits at its offset from `startS`.
 *
 * Errors: `open()` → {@link DeviceError} (missing file, unknown column, empty file). `read()` →
 * {@link SampleError} `{file, line}` for a short row, a non-numeric field or a time not after the previous
 * reading's; the next `read()` returns the following row.
 */
import { DeviceError, SampleError } from '../types.js';
import type { DeviceInfo, PowerInfo, PowerReading, ThermalInfo, ThermalReading } from '../types.js';
import { openCsvRows } from './csv-rows.js';
import type { CsvRow, Lookahead } from './csv-rows.js';
import { FieldError, decimalToNs, expectAtLeastFields, finiteNumber, medianRateHz, quoted } from './csv-fields.js';
import type { TimeUnit } from './csv-fields.js';
import { ReplayDevice } from './replay-device.js';

/** A value column: header name or 0-based index, and the factor to SI units (default 1). */
export interface TraceColumn {
  readonly column: string | number;
  readonly scale?: number;
}

export interface CsvTraceOptions {
  /** Device id within the session, e.g. `soc-temp`, `battery`. */
  readonly id: string;
  readonly path: string;
  /** Whether the first row names the columns; default true. */
  readonly header?: boolean;
  /** Field delimiter, default `,`. */
  readonly delimiter?: string;
  readonly time: { readonly column: string | number; readonly unit: TimeUnit };
  /** Skip to this time of the trace (in s, on the time column's scale) and re-base the clock there. */
  readonly startS?: number;
  /** Nominal rate, Hz; default: the median interval of the first rows. */
  readonly rateHz?: number;
}

export interface CsvThermalTraceOptions extends CsvTraceOptions {
  /** Thermal zone name reported in the info; default the device id. */
  readonly zone?: string;
  readonly values: { readonly tempC: TraceColumn };
}

export interface CsvPowerTraceOptions extends CsvTraceOptions {
  /** At least one: state of charge %, supply voltage V, power drawn W, charging flag (non-zero = true). */
  readonly values: {
    readonly batteryPercent?: TraceColumn;
    readonly voltageV?: TraceColumn;
    readonly powerW?: TraceColumn;
    readonly charging?: TraceColumn;
  };
}

interface ResolvedColumn {
  readonly name: string;
  readonly index: number;
  readonly scale: number;
}

/** A CSV trace read row by row; subclasses turn (time, values by name) into their reading type. */
abstract class CsvTrace<TInfo extends DeviceInfo, TSample> extends ReplayDevice<TInfo, TSample> {
  readonly #options: CsvTraceOptions;
  readonly #values: Readonly<Record<string, TraceColumn | undefined>>;
  #rows: Lookahead<CsvRow> | undefined;
  #time: ResolvedColumn = { name: 'time', index: 0, scale: 1 };
  #columns: ResolvedColumn[] = [];
  #previousNs: bigint | undefined;

  protected constructor(info: TInfo, options: CsvTraceOptions, values: Readonly<Record<string, TraceColumn | undefined>>) {
    super(info);
    this.#options = options;
    this.#values = values;
  }

  protected abstract toSample(deviceTimeNs: bigint, values: ReadonlyMap<string, number>): TSample;

  protected async openSource(): Promise<TInfo> {
    const { id, path, header = true, delimiter } = this.#options;
    this.#rows = await openCsvRows(id, path, delimiter === undefined ? {} : { delimiter });
    this.#previousNs = undefined;
    const names = header ? (await this.#rows.next())?.fields : undefined;
    if (header && names === undefined) throw new DeviceError(id, `${path}: empty file, expected a header row`);
    this.#time = this.#resolve('time', this.#options.time.column, 1, names);
    this.#columns = Object.entries(this.#values).flatMap(([name, spec]) =>
      spec === undefined ? [] : [this.#resolve(`values.${name}`, spec.column, spec.scale ?? 1, names, name)],
    );
    const rate = this.#options.rateHz ?? (await this.#peekRate());
    if (rate === undefined) throw new DeviceError(id, `cannot tell the sample rate of ${path}: give rateHz`);
    return { ...this.info, nominalRateHz: rate };
  }

  protected async readSample(): Promise<TSample | null> {
    const startNs = this.#startNs();
    for (;;) {
      const row = await this.#rows?.next();
      if (row === undefined) return null;
      try {
        const t = this.#timeOf(row.fields);
        if (startNs !== undefined && t < startNs) continue;
        const values = new Map<string, number>();
        for (const c of this.#columns) values.set(c.name, finiteNumber(this.#field(row.fields, c), c.name) * c.scale);
        if (this.#previousNs !== undefined && t <= this.#previousNs) {
          throw new FieldError(`time ${t} ns is not after the previous reading's ${this.#previousNs} ns`);
        }
        this.#previousNs = t;
        return this.toSample(t - (startNs ?? 0n), values);
      } catch (err) {
        if (!(err instanceof FieldError)) throw err;
        throw new SampleError(this.info.id, { file: this.#options.path, line: row.line }, err.message);
      }
    }
  }

  protected async closeSource(): Promise<void> {
    const rows = this.#rows;
    this.#rows = undefined;
    await rows?.close();
  }

  #startNs(): bigint | undefined {
    const { startS } = this.#options;
    return startS === undefined ? undefined : BigInt(Math.round(startS * 1e9));
  }

  #timeOf(fields: readonly string[]): bigint {
    return decimalToNs(this.#field(fields, this.#time), this.#options.time.unit, this.#time.name);
  }

  #field(fields: readonly string[], column: ResolvedColumn): string {
    expectAtLeastFields(fields, column.index + 1, `"${column.name}" is column ${column.index}`);
    return fields[column.index] ?? '';
  }

  #resolve(field: string, column: string | number, scale: number, names: readonly string[] | undefined, name = field): ResolvedColumn {
    const { id, path } = this.#options;
    if (typeof column === 'number') return { name, index: column, scale };
    if (names === undefined) {
      throw new DeviceError(id, `${path}: ${field}.column must be a 0-based index in a file without a header, got ${quoted(column)}`);
    }
    const index = names.indexOf(column);
    if (index < 0) throw new DeviceError(id, `${path}: ${field}.column: no column ${quoted(column)} (columns: ${names.join(', ')})`);
    return { name, index, scale };
  }

  /** Median rate of the first rows whose time parses. */
  async #peekRate(): Promise<number | undefined> {
    const rows = (await this.#rows?.peek(32)) ?? [];
    const times = rows.flatMap((r) => {
      try {
        return [this.#timeOf(r.fields)];
      } catch {
        return [];
      }
    });
    return medianRateHz(times);
  }
}

/** A thermal zone replayed from a CSV trace: {@link ThermalReading} with `tempC` = column × scale. */
export class CsvThermalTrace extends CsvTrace<ThermalInfo, ThermalReading> {
  constructor(options: CsvThermalTraceOptions) {
    const info: ThermalInfo = {
      id: options.id,
      kind: 'thermal',
      driver: 'csv-trace',
      replay: true,
      nominalRateHz: options.rateHz ?? 0,
      source: options.path,
      zone: options.zone ?? options.id,
    };
    super(info, options, options.values);
  }

  protected toSample(deviceTimeNs: bigint, values: ReadonlyMap<string, number>): ThermalReading {
    return { deviceTimeNs, tempC: values.get('tempC') ?? Number.NaN };
  }
}

/** A battery / supply gauge replayed from a CSV trace: {@link PowerReading} with the mapped fields only. */
export class CsvPowerTrace extends CsvTrace<PowerInfo, PowerReading> {
  constructor(options: CsvPowerTraceOptions) {
    const info: PowerInfo = {
      id: options.id,
      kind: 'power',
      driver: 'csv-trace',
      replay: true,
      nominalRateHz: options.rateHz ?? 0,
      source: options.path,
    };
    if (Object.values(options.values).every((v) => v === undefined)) {
      throw new DeviceError(options.id, 'values: map at least one of batteryPercent, voltageV, powerW, charging');
    }
    super(info, options, options.values);
  }

  protected toSample(deviceTimeNs: bigint, values: ReadonlyMap<string, number>): PowerReading {
    const pick = (name: string): number | undefined => values.get(name);
    const charging = pick('charging');
    return {
      deviceTimeNs,
      ...optional('batteryPercent', pick('batteryPercent')),
      ...optional('voltageV', pick('voltageV')),
      ...optional('powerW', pick('powerW')),
      ...(charging === undefined ? {} : { charging: charging !== 0 }),
    };
  }
}

function optional<K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, number>);
}
