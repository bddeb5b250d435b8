/**
 * What `karana doctor` looks for on an I²C bus: for each supported chip, the addresses it can take, the ID
 * register read to recognise it (read only, never written) and the values expected there. Several chips share
 * an address (0x68: MPU-6050, MPU-9250, ICM-42688-P) and are told apart by the value of the same register.
 */

export interface I2cProbeEntry {
  /** Chip name as in its datasheet. */
  readonly chip: string;
  /** Driver of the driver table serving it. */
  readonly driver: string;
  /** 7-bit addresses the chip can take (address pin choices). */
  readonly addresses: readonly number[];
  /** ID register address. */
  readonly register: number;
  readonly registerName: string;
  /** Register width, bytes (16-bit registers are big-endian). */
  readonly width: 1 | 2;
  /** Mask applied to the value read before comparing. */
  readonly mask: number;
  /** Values identifying the chip. */
  readonly expected: readonly number[];
  /** Datasheet and section of the ID register. */
  readonly source: string;
  /** True when the value is a power-on default rather than a fixed ID (a configured chip will not match). */
  readonly resetDefault?: boolean;
}

const INA219_ADDRESSES = Array.from({ length: 16 }, (_, i) => 0x40 + i);

/** The supported chips, in probe order. */
export const I2C_PROBE_TABLE: readonly I2cProbeEntry[] = Object.freeze([
  { chip: 'MPU-6050', driver: 'mpu6050', addresses: [0x68, 0x69], register: 0x75, registerName: 'WHO_AM_I', width: 1, mask: 0xff, expected: [0x68], source: 'InvenSense RM-MPU-6000A-00 rev 4.2, register 117 WHO_AM_I' },
  { chip: 'MPU-9250', driver: 'mpu9250', addresses: [0x68, 0x69], register: 0x75, registerName: 'WHO_AM_I', width: 1, mask: 0xff, expected: [0x71], source: 'InvenSense RM-MPU-9250A-00 rev 1.6, register 117 WHO_AM_I' },
  { chip: 'ICM-42688-P', driver: 'icm42688p', addresses: [0x68, 0x69], register: 0x75, registerName: 'WHO_AM_I', width: 1, mask: 0xff, expected: [0x47], source: 'TDK DS-000347 rev 1.8, user bank 0 register map, WHO_AM_I' },
  { chip: 'LSM6DSO/LSM6DSOX', driver: 'lsm6dso', addresses: [0x6a, 0x6b], register: 0x0f, registerName: 'WHO_AM_I', width: 1, mask: 0xff, expected: [0x6c], source: 'ST DS12140 (LSM6DSO) / DS13050 (LSM6DSOX), register description, WHO_AM_I (0Fh)' },
  { chip: 'BNO055', driver: 'bno055', addresses: [0x28, 0x29], register: 0x00, registerName: 'CHIP_ID', width: 1, mask: 0xff, expected: [0xa0], source: 'Bosch BST-BNO055-DS000, register description, CHIP_ID (page 0, 0x00)' },
  { chip: 'MAX17048', driver: 'max17048', addresses: [0x36], register: 0x08, registerName: 'VERSION', width: 2, mask: 0xfff0, expected: [0x0010], source: 'MAX17048/MAX17049 datasheet 19-6171, Register Summary (VERSION 0x001_)' },
  { chip: 'INA219', driver: 'ina219', addresses: INA219_ADDRESSES, register: 0x00, registerName: 'CONFIGURATION', width: 2, mask: 0xffff, expected: [0x399f], source: 'TI SBOS448G, Configuration register (00h), power-on value 399Fh', resetDefault: true },
] satisfies I2cProbeEntry[]);

/** "an MPU-9250 (driver mpu9250)" when `value` read at `register` of `address` is a known chip's ID. */
export function describeId(register: number, value: number, address: number): string | undefined {
  const hit = I2C_PROBE_TABLE.find((e) => e.register === register && e.addresses.includes(address) && !e.resetDefault && e.expected.includes(value & e.mask));
  return hit === undefined ? undefined : `${hit.chip} (driver ${hit.driver})`;
}
