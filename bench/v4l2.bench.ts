/**
 * The v4l2 driver's one-copy frame path against the naive path a user would write instead: copy the
 * dequeued buffer out of the mapped memory first (`Uint8Array.prototype.slice`, so the buffer can be
 * re-queued at once), then convert the copy. Per frame, both produce the same new frame buffer; the naive
 * path touches the pixels twice.
 *
 * Input: real frames laid out as the emulated UVC camera lays them in its buffers (`hal/emulators/v4l2/`):
 * EuRoC MH_01 cam0 frame 0 (752×480 gray; from the bundled sample session without ../shared/data) as
 * GREY, YUYV and NV12, and the person video's first frame (768×432) as YUYV from FFmpeg.
 * Figures: per frame, the median over 5 rounds (the pair's order alternating) of tinybench's mean, and the
 * naive/one-copy ratio (> 1: the one-copy path is faster). Both allocate the frame; the difference is the
 * extra pass over the buffer (and its allocation) of the naive path.
 */
import { join } from 'node:path';
import { encodeInto, packedBytes } from '../hal/emulators/v4l2/encode.js';
import { EurocFrames, VideoFrames } from '../hal/emulators/v4l2/frames.js';
import type { FrameSource, RecordedFrame } from '../hal/emulators/v4l2/frames.js';
import { convertV4l2Frame } from '../hal/v4l2/convert.js';
import type { RawV4l2Frame } from '../hal/v4l2/convert.js';
import type { V4l2OutputFormat } from '../hal/v4l2/negotiate.js';
import { timeTasks } from './harness.js';
import type { BenchOptions, BenchResult, BenchSuite, Figure } from './harness.js';

interface Case {
  readonly name: string;
  readonly raw: RawV4l2Frame;
  readonly to: V4l2OutputFormat;
}

async function firstFrame(source: FrameSource, layout: 'gray' | 'yuyv422'): Promise<RecordedFrame> {
  await source.load();
  await source.start(layout);
  const frame = await source.next();
  await source.stop();
  if (frame === null) throw new Error(`${source.description}: no frame`);
  return frame;
}

async function buffer(frame: RecordedFrame, fourcc: 'GREY' | 'YUYV' | 'NV12', w: number, h: number): Promise<RawV4l2Frame> {
  const data = new Uint8Array(packedBytes(fourcc, w, h));
  await encodeInto(frame, fourcc, w, h, data, 90);
  return { data, fourcc, widthPx: w, heightPx: h, bytesPerLine: fourcc === 'YUYV' ? w * 2 : w };
}

const suite: BenchSuite = {
  name: 'v4l2',
  async run(options: BenchOptions): Promise<BenchResult> {
    const cam0 = options.sharedDataDir !== undefined ? join(options.sharedDataDir, 'euroc_mh01_excerpt/mav0/cam0') : join(options.rootDir, 'hal/sessions/sample/mav0/cam0');
    const euroc = new EurocFrames(cam0, 2);
    const gray = await firstFrame(euroc, 'gray');
    const [w, h] = [euroc.widthPx, euroc.heightPx];
    const cases: Case[] = [
      { name: 'GREY→GRAY8', raw: await buffer(gray, 'GREY', w, h), to: 'GRAY8' },
      { name: 'YUYV→GRAY8', raw: await buffer(gray, 'YUYV', w, h), to: 'GRAY8' },
      { name: 'NV12→GRAY8', raw: await buffer(gray, 'NV12', w, h), to: 'GRAY8' },
    ];
    const notes = [`EuRoC cam0 ${w}×${h} from ${cam0}`];
    if (options.sharedDataDir !== undefined) {
      const video = new VideoFrames(join(options.sharedDataDir, 'video/one-by-one-person-detection.mp4'), 1);
      const frame = await firstFrame(video, 'yuyv422');
      cases.push({ name: 'YUYV→RGB8 (video)', raw: await buffer(frame, 'YUYV', video.widthPx, video.heightPx), to: 'RGB8' });
      notes.push(`person video ${video.widthPx}×${video.heightPx} YUYV from FFmpeg`);
    }
    const where = { deviceId: 'cam0', frame: 0 };
    const figures: Record<string, Figure> = {};
    const ratios: Record<string, number> = {};
    const rounds = options.quick ? 1 : 5;
    // Warm every path first: the first large allocations of a process come from fresh mmap'd pages (glibc
    // raises its mmap threshold only after freeing one), which would bias whichever case runs first.
    for (const c of cases) {
      for (let i = 0; i < (options.quick ? 20 : 200); i++) {
        void convertV4l2Frame(c.raw, c.to, where);
        void convertV4l2Frame({ ...c.raw, data: c.raw.data.slice() }, c.to, where);
      }
    }
    for (const c of cases) {
      const oneCopy = (): unknown => convertV4l2Frame(c.raw, c.to, where);
      const naive = (): unknown => convertV4l2Frame({ ...c.raw, data: c.raw.data.slice() }, c.to, where);
      const means: Record<'one-copy' | 'naive', number[]> = { 'one-copy': [], naive: [] };
      for (let r = 0; r < rounds; r++) {
        // Alternate the order of the pair each round, so neither always runs first (warm-up, GC debt).
        const pair = r % 2 === 0 ? { 'one-copy': oneCopy, naive } : { naive, 'one-copy': oneCopy };
        for (const t of await timeTasks(pair, { timeMs: options.quick ? 100 : 300 })) means[t.name as 'one-copy' | 'naive'].push(t.meanNs);
      }
      const one = median(means['one-copy']);
      const copy = median(means.naive);
      figures[`${c.name}.one-copy`] = { value: Math.round(one / 10) / 100, unit: `µs per frame (median of ${rounds} means)` };
      figures[`${c.name}.naive`] = { value: Math.round(copy / 10) / 100, unit: `µs per frame (median of ${rounds} means)` };
      if (one > 0) ratios[`${c.name} naive/one-copy`] = Math.round((copy / one) * 100) / 100;
    }
    return { name: 'v4l2', description: 'per-frame cost of the v4l2 one-copy conversion vs copy-out-then-convert, real frames', figures, ratios, notes };
  },
};

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

export default suite;
