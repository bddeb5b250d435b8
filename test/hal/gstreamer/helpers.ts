/**
 * GStreamer test inputs from real recordings: the EuRoC MH_01 cam0 PNGs linked as `00000.png, 00001.png, …`
 * in a temporary folder so `multifilesrc` can read them at 20 fps, and a GDP stream captured from a real
 * gst-launch-1.0 run over them (for the fuzzing and fault tests). Tests skip when gst-launch-1.0 or gdppay
 * is missing (`apt-get install gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
 * gstreamer1.0-plugins-bad`).
 */
import { execFile, execFileSync } from 'node:child_process';
import { readdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MH01_CAM0, tmpFolder } from '../data.js';

const run = promisify(execFile);

/** True when gst-launch-1.0 and the gdppay element are installed. */
export const HAVE_GST = (() => {
  try {
    execFileSync('gst-inspect-1.0', ['gdppay'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** True when H.264 can be decoded (gstreamer1.0-libav). */
export const HAVE_AVDEC = (() => {
  try {
    execFileSync('gst-inspect-1.0', ['avdec_h264'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** The first `n` EuRoC cam0 PNG paths, in time order. */
export async function eurocPngs(n: number): Promise<string[]> {
  const dir = join(MH01_CAM0, 'data');
  return (await readdir(dir))
    .filter((f) => f.endsWith('.png'))
    .sort()
    .slice(0, n)
    .map((f) => join(dir, f));
}

/** A folder of `%05d.png` links to the first `n` EuRoC frames, and the gst pipeline reading them at 20 fps. */
export async function eurocPipeline(n: number): Promise<{ pipeline: string; pngs: string[]; remove: () => Promise<void> }> {
  const { dir, remove } = await tmpFolder('gst');
  const pngs = await eurocPngs(n);
  await Promise.all(pngs.map((p, i) => symlink(p, join(dir, `${String(i).padStart(5, '0')}.png`))));
  const pipeline = `multifilesrc location=${dir}/%05d.png index=0 stop-index=${n - 1} caps=image/png,framerate=20/1 ! pngdec`;
  return { pipeline, pngs, remove };
}

/** The GDP bytes gst-launch-1.0 writes for the first `n` EuRoC frames as GRAY8. */
export async function capturedGdp(n: number): Promise<Buffer> {
  const { pipeline, remove } = await eurocPipeline(n);
  try {
    const { stdout } = await run('gst-launch-1.0', ['-q', ...`${pipeline} ! videoconvert ! video/x-raw,format=GRAY8 ! gdppay ! fdsink fd=1 sync=false`.split(' ')], { encoding: 'buffer', maxBuffer: 1 << 26 });
    return stdout;
  } finally {
    await remove();
  }
}
