/**
 * Reading sysfs attributes: one value per file, text ending in a newline (kernel Documentation/filesystems/
 * sysfs.rst, "Attributes"). Integer attributes are decimal (`temp` in m°C, `voltage_now` in µV, …).
 * A file that is missing is `undefined` (an attribute the driver does not provide); one whose read fails
 * (EAGAIN, ENODATA, EIO: a sensor that did not answer) or whose text is not an integer is a
 * {@link SampleError} naming the device, the file and the byte offset of the first bad character.
 */
import { readFile } from 'node:fs/promises';
import { SampleError } from '../types.js';

/** The attribute's text without its trailing newline, or undefined when the file does not exist. */
export async function readAttribute(deviceId: string, file: string): Promise<string | undefined> {
  try {
    return (await readFile(file, 'utf8')).replace(/\n$/, '');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new SampleError(deviceId, { file }, `read failed (${code ?? 'error'}): ${(err as Error).message}`, { cause: err });
  }
}

/** Parses a decimal integer attribute; throws a SampleError at the first bad byte. */
export function parseIntegerAttribute(deviceId: string, file: string, text: string): number {
  const m = /^\s*-?\d+\s*$/.exec(text);
  if (m === null || text.trim().length > 20) {
    const bad = text.search(/[^\s\d-]|(?<=\d)-/);
    const at = bad >= 0 ? bad : text.length > 20 ? 20 : Math.max(0, text.length);
    throw new SampleError(deviceId, { file, byteOffset: Buffer.byteLength(text.slice(0, at)) }, `not a decimal integer: ${JSON.stringify(text.slice(0, 40))}`);
  }
  return Number(text.trim());
}

/** An integer attribute, or undefined when the file does not exist. */
export async function readIntegerAttribute(deviceId: string, file: string): Promise<number | undefined> {
  const text = await readAttribute(deviceId, file);
  return text === undefined ? undefined : parseIntegerAttribute(deviceId, file, text);
}
