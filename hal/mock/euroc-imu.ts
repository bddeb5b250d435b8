/**
 * `euroc-imu`: replays an IMU stored as an EuRoC/ASL folder (`mav0/imu0/`): `data.csv` with rows
 * `#timestamp [ns], w_RS_S_x, w_RS_S_y, w_RS_S_z [rad s^-1], a_RS_S_x, a_RS_S_y, a_RS_S_z [m s^-2]` and
 * `sensor.yaml` (noise densities and random walks, `rate_hz`). Source format: EuRoC MAV dataset
 * (Burri et al., IJRR 2016); the file is streamed with csv-parse, never loaded whole.
 *
 * Samples: {@link ImuSample} in the IMU frame (S), `deviceTimeNs` = the row's stamp (UNIX ns in EuRoC).
 * With a `window`, rows stamped outside `[fromNs, toNs]` are not returned and reading stops at the first
 * row after `toNs`.
 *
 * Errors: `open()` → {@link DeviceError} (missing folder or data.csv, malformed sensor.yaml). `read()` →
 * {@link SampleError} `{file: data.csv, line}` for a short, long, truncated or non-numeric row, or a stamp not
 * after the previous sample's; the next `read()` returns the following row.
 */
import { join } from 'node:path';
import { DeviceError, SampleError } from '../types.js';
import type { ImuInfo, ImuSample } from '../types.js';
import { openCsvRows } from './csv-rows.js';
import type { CsvRow, Lookahead } from './csv-rows.js';
import { FieldError, expectFields, finiteNumber, integerNs, medianRateHz } from './csv-fields.js';
import { isDirectory } from './files.js';
import { ReplayDevice } from './replay-device.js';
import { imuNoise, readSensorYaml, sensorRateHz } from './sensor-yaml.js';
import { isAfterWindow, isBeforeWindow } from './time-window.js';
import type { TimeWindow } from './time-window.js';

export interface EurocImuOptions {
  /** Device id within the session, e.g. `imu0`. */
  readonly id: string;
  /** The IMU folder (`…/mav0/imu0`, holding data.csv and sensor.yaml) or its data.csv. */
  readonly path: string;
  /** Nominal rate, Hz; default sensor.yaml `rate_hz`, else the median interval of the first rows. */
  readonly rateHz?: number;
  /** Only rows stamped inside this window (device clock) are returned. */
  readonly window?: TimeWindow;
}

const COLUMNS = 'timestamp, 3 gyro, 3 accel';

/** Parses one EuRoC IMU row (7 fields). Throws {@link FieldError} saying what is wrong. */
export function parseImuRow(fields: readonly string[]): ImuSample {
  expectFields(fields, 7, COLUMNS);
  const v = (i: number, name: string): number => finiteNumber(fields[i] ?? '', name);
  return {
    deviceTimeNs: integerNs(fields[0] ?? '', 'timestamp'),
    gyroRadps: [v(1, 'w_RS_S_x'), v(2, 'w_RS_S_y'), v(3, 'w_RS_S_z')],
    accelMps2: [v(4, 'a_RS_S_x'), v(5, 'a_RS_S_y'), v(6, 'a_RS_S_z')],
  };
}

/** IMU replayed from an EuRoC/ASL `data.csv`, streamed row by row (see the module documentation). */
export class EurocImu extends ReplayDevice<ImuInfo, ImuSample> {
  readonly #options: EurocImuOptions;
  #csvPath = '';
  #rows: Lookahead<CsvRow> | undefined;
  #previousNs: bigint | undefined;

  constructor(options: EurocImuOptions) {
    super({
      id: options.id,
      kind: 'imu',
      driver: 'euroc-imu',
      replay: true,
      nominalRateHz: options.rateHz ?? 0,
      source: options.path,
      hasMagnetometer: false,
    });
    this.#options = options;
  }

  protected async openSource(): Promise<ImuInfo> {
    const { id, path } = this.#options;
    const folder = (await isDirectory(path)) ? path : undefined;
    this.#csvPath = folder === undefined ? path : join(folder, 'data.csv');
    const yamlPath = join(folder ?? join(path, '..'), 'sensor.yaml');
    const yaml = await readSensorYaml(id, yamlPath);
    this.#rows = await openCsvRows(id, this.#csvPath);
    this.#previousNs = undefined;
    const rate = this.#options.rateHz ?? (yaml === undefined ? undefined : sensorRateHz(id, yamlPath, yaml)) ?? (await this.#peekRate());
    if (rate === undefined) throw new DeviceError(id, `cannot tell the sample rate of ${this.#csvPath}: give rateHz`);
    const noise = yaml === undefined ? undefined : imuNoise(id, yamlPath, yaml);
    return { ...this.info, nominalRateHz: rate, ...(noise === undefined ? {} : { noise }) };
  }

  protected async readSample(): Promise<ImuSample | null> {
    const { window } = this.#options;
    for (;;) {
      const row = await this.#rows?.next();
      if (row === undefined) return null;
      let sample: ImuSample;
      try {
        sample = parseImuRow(row.fields);
      } catch (err) {
        if (!(err instanceof FieldError)) throw err;
        throw new SampleError(this.info.id, { file: this.#csvPath, line: row.line }, err.message);
      }
      const t = sample.deviceTimeNs;
      if (isBeforeWindow(t, window)) continue;
      if (isAfterWindow(t, window)) return null;
      if (this.#previousNs !== undefined && t <= this.#previousNs) {
        const message = `timestamp ${t} ns is not after the previous sample's ${this.#previousNs} ns`;
        throw new SampleError(this.info.id, { file: this.#csvPath, line: row.line }, message);
      }
      this.#previousNs = t;
      return sample;
    }
  }

  protected async closeSource(): Promise<void> {
    const rows = this.#rows;
    this.#rows = undefined;
    await rows?.close();
  }

  /** Median rate of the first rows whose stamps parse. */
  async #peekRate(): Promise<number | undefined> {
    const rows = (await this.#rows?.peek(32)) ?? [];
    const stamps = rows.flatMap((r) => (/^\d{1,30}$/.test(r.fields[0] ?? '') ? [BigInt(r.fields[0] ?? '0')] : []));
    return medianRateHz(stamps);
  }
}
