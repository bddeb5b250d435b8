/**
 * The serial-port adapter of the serial drivers: the few calls they make on a `serialport` stream, and the
 * factory that makes one. The real factory opens the OS port through serialport's detected binding
 * (`@serialport/bindings-cpp`, termios on Linux); the emulators (`hal/emulators/serial/`) pass a factory of
 * `SerialPortMock` ports (`@serialport/binding-mock`) they feed with encoded recordings. The driver code is the
 * same in both cases (serialport's own binding pattern).
 */
import { SerialPort } from 'serialport';

/** What a driver uses of a serialport `SerialPortStream` (both `SerialPort` and `SerialPortMock` are one). */
export interface SerialPortLike {
  open(callback: (err: Error | null) => void): void;
  write(data: Buffer, callback?: (err: Error | null | undefined) => void): boolean;
  close(callback?: (err: Error | null) => void): void;
  on(event: 'data', listener: (chunk: Buffer) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  on(event: 'close', listener: (err?: Error | null) => void): this;
  removeAllListeners(): this;
  readonly isOpen: boolean;
}

export interface SerialOpenOptions {
  readonly path: string;
  readonly baudRate: number;
}

/** Makes an unopened port (`autoOpen: false`); the driver opens it. */
export type SerialPortFactory = (options: SerialOpenOptions) => SerialPortLike;

/** The OS serial ports (8N1, no flow control, exclusive lock). */
export const systemSerialPorts: SerialPortFactory = (options) =>
  new SerialPort({ path: options.path, baudRate: options.baudRate, dataBits: 8, parity: 'none', stopBits: 1, rtscts: false, autoOpen: false, lock: true });

/** Opens `port`; rejects with the binding's error (ENOENT, EACCES, "Port is locked"). */
export function openPort(port: SerialPortLike): Promise<void> {
  return new Promise((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
}

/** Closes `port` if open; never rejects (a vanished port cannot be closed any further). */
export function closePort(port: SerialPortLike): Promise<void> {
  return new Promise((resolve) => {
    if (!port.isOpen) {
      resolve();
      return;
    }
    port.close(() => resolve());
  });
}

/** Writes `data`; rejects with the binding's error. */
export function writePort(port: SerialPortLike, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    port.write(data, (err) => (err ? reject(err) : resolve()));
  });
}

/** A hint for an `open()` failure: permission (dialout group), missing node, or a port held by another process. */
export function serialOpenHint(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  if (/EACCES|permission denied/i.test(text)) return `${text} (add the user to the dialout group: sudo usermod -aG dialout $USER, then log in again)`;
  if (/ENOENT|no such file|does not exist/i.test(text)) return `${text} (no such serial device; see karana doctor)`;
  if (/lock|EBUSY/i.test(text)) return `${text} (another process holds the port; on a Pi, disable the serial console)`;
  return text;
}
