/**
 * zstd chunk compression for MCAP (`compression: "zstd"` in Chunk records, MCAP specification, "Chunk"), with
 * `@foxglove/wasm-zstd` (the zstd reference library compiled to WebAssembly; no native build needed on a Pi).
 * The WebAssembly module loads asynchronously: call {@link loadZstd} once before using the handlers.
 */
import * as zstd from '@foxglove/wasm-zstd';
import type { DecompressHandlers } from '@mcap/core';

/** Largest uncompressed chunk this reader accepts, bytes: a damaged size field must not allocate gigabytes. */
export const MAX_CHUNK_BYTES = 512 * 1024 * 1024;

/** Chunk compressions `karana record` can write. */
export type ChunkCompression = 'zstd' | 'none';

/** Resolves once the zstd WebAssembly module is ready. */
export async function loadZstd(): Promise<void> {
  await zstd.isLoaded;
}

/**
 * The `compressChunk` option of `McapWriter` for `compression` at zstd `level` (1 fastest … 19; default 3,
 * zstd's own default); undefined for `none`.
 */
export function chunkCompressor(compression: ChunkCompression, level = 3): ((data: Uint8Array) => { compression: string; compressedData: Uint8Array }) | undefined {
  if (compression === 'none') return undefined;
  return (data) => ({ compression: 'zstd', compressedData: zstd.compress(data, level) });
}

/** Decompression handlers for the MCAP readers; a size over {@link MAX_CHUNK_BYTES} is an error. */
export const DECOMPRESS: DecompressHandlers = {
  zstd: (data, size) => {
    if (size > BigInt(MAX_CHUNK_BYTES)) throw new Error(`chunk claims ${size} uncompressed bytes (limit ${MAX_CHUNK_BYTES})`);
    return zstd.decompress(data, Number(size));
  },
};
