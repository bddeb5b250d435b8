/**
 * File access for the replay drivers, with the error texts they share: a recording that cannot be used
 * raises a {@link DeviceError} naming the device, the path and the reason
 * (`cam0: cannot open /data/mav0/cam0/data.csv: no such file or directory (ENOENT)`).
 */
import { open, readFile, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { DeviceError } from '../types.js';

const REASONS: Readonly<Record<string, string>> = Object.freeze({
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory, expected a file',
  ENOTDIR: 'a parent of the path is not a directory',
  EMFILE: 'too many open files',
});

/** A readable reason for a file-system error: `no such file or directory (ENOENT)`. */
export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined && REASONS[code] !== undefined) return `${REASONS[code]} (${code})`;
  return err instanceof Error ? err.message : String(err);
}

/** The error code of a file-system error (`ENOENT`), if any. */
export function fsErrorCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/** Throws a {@link DeviceError} unless `path` is a regular file. */
export async function requireFile(id: string, path: string): Promise<void> {
  let isFile: boolean;
  try {
    isFile = (await stat(path)).isFile();
  } catch (err) {
    throw new DeviceError(id, `cannot open ${path}: ${describeFsError(err)}`, { cause: err });
  }
  if (!isFile) throw new DeviceError(id, `cannot open ${path}: not a regular file`);
}

/** Throws a {@link DeviceError} unless `path` is a directory. */
export async function requireDirectory(id: string, path: string): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch (err) {
    throw new DeviceError(id, `cannot open ${path}: ${describeFsError(err)}`, { cause: err });
  }
  if (!isDirectory) throw new DeviceError(id, `cannot open ${path}: not a directory`);
}

/** Opens `path` for streaming; the file is checked (and opened) before this resolves. */
export async function openFileStream(id: string, path: string, highWaterMark?: number): Promise<Readable> {
  await requireFile(id, path);
  try {
    const handle = await open(path, 'r');
    return handle.createReadStream(highWaterMark === undefined ? {} : { highWaterMark });
  } catch (err) {
    throw new DeviceError(id, `cannot open ${path}: ${describeFsError(err)}`, { cause: err });
  }
}

/** Reads the whole of `path`, raising a {@link DeviceError} when it cannot. */
export async function readWholeFile(id: string, path: string): Promise<Buffer> {
  await requireFile(id, path);
  try {
    return await readFile(path);
  } catch (err) {
    throw new DeviceError(id, `cannot read ${path}: ${describeFsError(err)}`, { cause: err });
  }
}

/** True when `path` exists (any type). */
export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** True when `path` is a directory. */
export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
