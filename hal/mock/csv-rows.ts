/**
 * Streaming CSV rows with their 1-based line numbers, for the replay drivers (EuRoC/ASL `data.csv`, sensor
 * traces). Built on `csv-parse` (streaming API) with quoting switched off and one record per line, so a
 * damaged line (a stray quote, a truncated row, random bytes) stays one bad line: it can never swallow
 * the lines after it, and every row keeps the line number a text editor shows.
 *
 * Field rules: surrounding whitespace is trimmed; a field wrapped in double quotes is unwrapped (`"78"` →
 * `78`, `""` inside → `"`), which covers traces that quote every number. Quoted fields therefore cannot hold
 * the delimiter or a line break (sensor recordings never need them). Lines are separated by `\n` or `\r\n`;
 * blank lines and lines whose first field starts with `#` as written, unquoted (the EuRoC header), are skipped.
 */
import { pipeline } from 'node:stream';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { openFileStream } from './files.js';

/** One CSV line split into fields. */
export interface CsvRow {
  /** 1-based line number in the file. */
  readonly line: number;
  readonly fields: readonly string[];
}

export interface CsvRowsOptions {
  /** Field delimiter, default `,`. */
  readonly delimiter?: string;
}

/**
 * Yields the data rows of `input` in file order. Stopping the iteration early (`return()`) destroys `input`.
 * Errors: only read errors of `input` (the parser itself accepts any bytes; invalid UTF-8 becomes U+FFFD).
 */
export async function* csvRows(input: Readable, options: CsvRowsOptions = {}): AsyncGenerator<CsvRow, void, undefined> {
  const parser = parse({
    delimiter: options.delimiter ?? ',',
    quote: false,
    record_delimiter: ['\r\n', '\n'],
    relax_column_count: true,
    bom: true,
  });
  // Errors of either stream reach the consumer through the parser's iterator.
  pipeline(input, parser, () => undefined);
  let line = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      line += 1;
      const fields = record.map(cleanField);
      // A comment starts with `#` as written: `"#",1403…` is a damaged data row (an error), not a comment.
      if (fields.every((f) => f === '') || record[0]?.trim().startsWith('#') === true) continue;
      yield { line, fields };
    }
  } finally {
    input.destroy();
    parser.destroy();
  }
}

/** Trims a field and removes one pair of surrounding double quotes (`""` inside becomes `"`). */
export function cleanField(raw: string): string {
  const text = raw.trim();
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) return text.slice(1, -1).replaceAll('""', '"');
  return text;
}

/**
 * Bytes read at a time: a chunk is parsed in one go on the JS thread, so chunks stay small (4 KiB ≈ 50 IMU
 * rows, well under a millisecond) to keep a replay from holding up a 1 kHz tick loop (64 KiB took ~10 ms).
 */
export const CSV_CHUNK_BYTES = 4096;

/** Opens `path` and reads its rows ({@link csvRows}); a `DeviceError` of device `id` when it cannot be opened. */
export async function openCsvRows(id: string, path: string, options: CsvRowsOptions = {}): Promise<Lookahead<CsvRow>> {
  const stream = await openFileStream(id, path, CSV_CHUNK_BYTES);
  return new Lookahead(csvRows(stream, options), () => stream.destroy());
}

/**
 * An async iterator with look-ahead: drivers peek at the first rows (to infer a rate) without losing them.
 */
export class Lookahead<T> {
  readonly #source: AsyncIterator<T>;
  readonly #onClose: (() => void) | undefined;
  readonly #buffer: T[] = [];
  #done = false;

  /** @param onClose releases what feeds `source` (runs even when `source` was never started). */
  constructor(source: AsyncIterator<T>, onClose?: () => void) {
    this.#source = source;
    this.#onClose = onClose;
  }

  /** Up to `count` next items, without consuming them (fewer at the end). */
  async peek(count: number): Promise<readonly T[]> {
    while (this.#buffer.length < count && !this.#done) {
      const r = await this.#source.next();
      if (r.done === true) this.#done = true;
      else this.#buffer.push(r.value);
    }
    return this.#buffer.slice(0, count);
  }

  /** The next item, or `undefined` at the end. */
  async next(): Promise<T | undefined> {
    const buffered = this.#buffer.shift();
    if (buffered !== undefined) return buffered;
    if (this.#done) return undefined;
    const r = await this.#source.next();
    if (r.done === true) {
      this.#done = true;
      return undefined;
    }
    return r.value;
  }

  /** Stops the source (closes its file). */
  async close(): Promise<void> {
    this.#done = true;
    this.#buffer.length = 0;
    await this.#source.return?.();
    this.#onClose?.();
  }
}
