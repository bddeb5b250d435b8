/**
 * The `IWritable` of `@mcap/core` over a file (the 20-line Node adapter beside the platform-free core, as
 * foxglove/mcap keeps it), with an explicit `sync()` for the recorder's fsync policy.
 *
 * Crash safety: every `write()` is handed to the kernel before it resolves, so a killed process (`kill -9`)
 * loses nothing that was written; only a power cut can lose data the kernel has not yet put on the disk,
 * which `sync()` (fdatasync) prevents.
 */
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { IWritable } from '@mcap/core';

export class FileWritable implements IWritable {
  #position = 0n;
  #syncs = 0;

  private constructor(
    private readonly handle: FileHandle,
    readonly path: string,
  ) {}

  /** Creates (or truncates) `path`; errors are the file system's (ENOENT, EACCES…). */
  static async create(path: string): Promise<FileWritable> {
    return new FileWritable(await open(path, 'w'), path);
  }

  async write(buffer: Uint8Array): Promise<void> {
    let done = 0;
    while (done < buffer.byteLength) {
      const { bytesWritten } = await this.handle.write(buffer, done, buffer.byteLength - done);
      done += bytesWritten;
    }
    this.#position += BigInt(buffer.byteLength);
  }

  position(): bigint {
    return this.#position;
  }

  /** Bytes written so far. */
  get bytes(): number {
    return Number(this.#position);
  }

  /** fdatasync calls made. */
  get syncs(): number {
    return this.#syncs;
  }

  /** Puts what was written on the disk (fdatasync). */
  async sync(): Promise<void> {
    await this.handle.datasync();
    this.#syncs += 1;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
