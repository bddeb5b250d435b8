/**
 * The frame list of an EuRoC/ASL camera folder: `data.csv` with rows `#timestamp [ns],filename`, the images
 * in `data/<filename>`. Source: EuRoC MAV dataset format (Burri et al., IJRR 2016), as read by Kalibr,
 * OpenVINS, Basalt and ORB-SLAM3.
 *
 * A bad row (short, non-integer stamp, stamp not after the previous one) does not stop the index: it becomes
 * an entry that carries its error, so the camera raises a `SampleError` for it at its place in the stream.
 */
import { join } from 'node:path';
import { csvRows } from './csv-rows.js';
import { FieldError, expectFields, integerNs } from './csv-fields.js';
import { openFileStream } from './files.js';
import { isAfterWindow, isBeforeWindow } from './time-window.js';
import type { TimeWindow } from './time-window.js';

/** A frame listed in data.csv: `seq` is its 0-based data-row index (bad rows keep their number). */
export interface FrameEntry {
  readonly seq: number;
  /** 1-based line in data.csv. */
  readonly line: number;
  readonly tNs: bigint;
  /** Absolute path of the image. */
  readonly file: string;
}

/** A data.csv row that could not be read. */
export interface BadFrameEntry {
  readonly seq: number;
  readonly line: number;
  readonly error: string;
}

export type IndexEntry = FrameEntry | BadFrameEntry;

/**
 * Reads `csvPath` (images under `imageDir`) into entries in file order, keeping the frames inside `window`
 * and the bad rows that lie between two kept frames. Raises `DeviceError` when the file cannot be opened.
 */
export async function readFrameIndex(id: string, csvPath: string, imageDir: string, window?: TimeWindow): Promise<IndexEntry[]> {
  const all: IndexEntry[] = [];
  let seq = 0;
  let previous: bigint | undefined;
  for await (const { line, fields } of csvRows(await openFileStream(id, csvPath))) {
    try {
      expectFields(fields, 2, 'timestamp, filename');
      const tNs = integerNs(fields[0] ?? '', 'timestamp');
      const name = fields[1] ?? '';
      if (name === '') throw new FieldError('filename: empty');
      if (previous !== undefined && tNs <= previous) {
        throw new FieldError(`timestamp ${tNs} ns is not after the previous frame's ${previous} ns`);
      }
      previous = tNs;
      all.push({ seq, line, tNs, file: join(imageDir, name) });
    } catch (err) {
      if (!(err instanceof FieldError)) throw err;
      all.push({ seq, line, error: err.message });
    }
    seq += 1;
  }
  return clip(all, window);
}

/** True for a readable entry. */
export function isFrame(entry: IndexEntry): entry is FrameEntry {
  return 'file' in entry;
}

function clip(entries: readonly IndexEntry[], window: TimeWindow | undefined): IndexEntry[] {
  if (window === undefined) return [...entries];
  const inside = (e: IndexEntry): boolean => isFrame(e) && !isBeforeWindow(e.tNs, window) && !isAfterWindow(e.tNs, window);
  const first = entries.findIndex(inside);
  if (first < 0) return [];
  let last = entries.length - 1;
  while (last > first && !inside(entries[last] as IndexEntry)) last -= 1;
  return entries.slice(first, last + 1).filter((e) => !isFrame(e) || inside(e));
}
