/**
 * Small builders of ASL/EuRoC camera folders from real frames, for tests that need a damaged copy or another
 * image format: the frames come from the EuRoC MH_01 excerpt (see its PROVENANCE.md), re-encoded with sharp
 * when a test asks for JPEG or WebP.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { MH01_CAM0, plainCsv, field } from './data.js';

/** One listed frame of a built folder. */
export interface BuiltFrame {
  readonly tNs: bigint;
  /** Image file name under `data/`. */
  readonly name: string;
  /** Absolute path of the image. */
  readonly file: string;
  /** The source PNG. */
  readonly source: string;
}

/** Re-encodings of a real PNG frame. */
export type Encoding = 'png' | 'jpeg' | 'webp-lossless';

/**
 * Builds `<dir>/data.csv` + `<dir>/data/` from the first `count` frames of the MH_01 cam0, re-encoded as asked;
 * copies `sensor.yaml` when `withYaml`.
 */
export async function buildCameraFolder(dir: string, count: number, encoding: Encoding = 'png', withYaml = true): Promise<BuiltFrame[]> {
  const rows = (await plainCsv(join(MH01_CAM0, 'data.csv'))).slice(0, count);
  await mkdir(join(dir, 'data'), { recursive: true });
  const frames: BuiltFrame[] = [];
  for (const row of rows) {
    const source = join(MH01_CAM0, 'data', field(row, 1));
    const stem = field(row, 0);
    const name = encoding === 'png' ? `${stem}.png` : encoding === 'jpeg' ? `${stem}.jpg` : `${stem}.webp`;
    const file = join(dir, 'data', name);
    if (encoding === 'png') await copyFile(source, file);
    else if (encoding === 'jpeg') await sharp(source).jpeg({ quality: 95 }).toFile(file);
    else await sharp(source).webp({ lossless: true }).toFile(file);
    frames.push({ tNs: BigInt(stem), name, file, source });
  }
  const csv = ['#timestamp [ns],filename', ...frames.map((f) => `${f.tNs},${f.name}`)].join('\n') + '\n';
  await writeFile(join(dir, 'data.csv'), csv);
  if (withYaml) await copyFile(join(MH01_CAM0, 'sensor.yaml'), join(dir, 'sensor.yaml'));
  return frames;
}
