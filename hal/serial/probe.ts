/**
 * `karana doctor` for serial IMUs: the serial ports the OS lists (serialport's `SerialPort.list()`, udev on
 * Linux), each matched against the USB-serial bridges that IMU boards commonly carry, with whether this user
 * may open it (read/write access to the node: EACCES means a permission problem, fixed by the `dialout` group).
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { SerialPort } from 'serialport';

/** USB VID:PID (lowercase hex) of bridges and boards an IMU is usually reached through. */
export const KNOWN_SERIAL_BRIDGES: Readonly<Record<string, string>> = Object.freeze({
  '0403:6001': 'FTDI FT232R USB-UART',
  '0403:6014': 'FTDI FT232H',
  '0403:6015': 'FTDI FT-X (FT230X/FT231X) USB-UART',
  '10c4:ea60': 'Silicon Labs CP210x USB-UART',
  '1a86:7523': 'WCH CH340 USB-UART',
  '1a86:55d4': 'WCH CH9102 USB-UART',
  '067b:2303': 'Prolific PL2303 USB-UART',
  '2e8a:000a': 'Raspberry Pi Pico (RP2040) USB CDC',
  '2e8a:0009': 'Raspberry Pi Pico (RP2040, MicroPython) USB CDC',
  '239a:80f4': 'Adafruit QT Py RP2040 USB CDC',
  '0483:5740': 'STM32 Virtual COM Port (USB CDC)',
  '16c0:0483': 'Teensy USB serial',
  '303a:1001': 'Espressif ESP32-S3/C3 native USB serial',
  '2341:0043': 'Arduino Uno R3',
  '2341:8057': 'Arduino Nano 33 IoT',
});

/** On-board UARTs of the supported computers (no USB ids). */
export const BOARD_UARTS: Readonly<Record<string, string>> = Object.freeze({
  '/dev/ttyAMA0': 'Raspberry Pi 5 UART0 on GPIO14/15 (header pins 8/10) with dtoverlay=uart0-pi5',
  '/dev/serial0': 'Raspberry Pi primary UART alias (header pins 8/10)',
  '/dev/ttyTHS0': 'Jetson Orin Nano/NX UART1 on header pins 8/10 (verify on your image)',
  '/dev/ttyTHS1': 'Jetson Nano UART on header pins 8/10 (another UART on Orin carriers)',
});

export interface SerialProbe {
  readonly path: string;
  /** `serial:<path>@115200`, ready for a session or `KARANA_HIL_IMU`. */
  readonly spec: string;
  readonly vendorId?: string;
  readonly productId?: string;
  readonly manufacturer?: string;
  readonly serialNumber?: string;
  /** What the VID:PID or the node name says it is, when known. */
  readonly known?: string;
  /** `ok`, `permission` (EACCES: add the user to `dialout`), or `missing`. */
  readonly access: 'ok' | 'permission' | 'missing';
  /** Drivers that can serve an IMU behind this port. */
  readonly drivers: readonly string[];
}

/** Lists serial ports and what they are. `list` is injectable for tests (default `SerialPort.list`). */
/** What `SerialPort.list()` reports of a port. */
export interface ListedPort {
  readonly path: string;
  readonly vendorId?: string;
  readonly productId?: string;
  readonly manufacturer?: string;
  readonly serialNumber?: string;
}

export async function probeSerial(list: () => Promise<ListedPort[]> = () => SerialPort.list()): Promise<SerialProbe[]> {
  const ports = await list();
  const seen = new Set(ports.map((p) => p.path));
  const extra = await Promise.all(
    Object.keys(BOARD_UARTS)
      .filter((p) => !seen.has(p))
      .map(async (path) => ((await accessOf(path)) === 'missing' ? undefined : { path })),
  );
  const all: ListedPort[] = [...ports, ...extra.filter((p): p is { path: string } => p !== undefined)];
  return Promise.all(
    all.map(async (p) => {
      const id = p.vendorId !== undefined && p.productId !== undefined ? `${p.vendorId.toLowerCase()}:${p.productId.toLowerCase()}` : undefined;
      const known = (id !== undefined ? KNOWN_SERIAL_BRIDGES[id] : undefined) ?? BOARD_UARTS[p.path];
      return {
        ...p,
        spec: `serial:${p.path}@115200`,
        ...(known !== undefined ? { known } : {}),
        access: await accessOf(p.path),
        drivers: ['bno08x-rvc', 'serial-imu'],
      };
    }),
  );
}

async function accessOf(path: string): Promise<'ok' | 'permission' | 'missing'> {
  try {
    await access(path, constants.R_OK | constants.W_OK);
    return 'ok';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'permission';
  }
}
