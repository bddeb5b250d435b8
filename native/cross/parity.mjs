// Architecture parity of the native core: the same kernels on the same real inputs (EuRoC MH_01 cam0 frames
// 100 and 101 as raw GRAY8, imu0), printed as digests, so that an x86-64 run and an aarch64 run (under
// qemu-aarch64, see aarch64.sh) can be compared line for line. Needs `npm run build` (dist/native).
//   node native/cross/parity.mjs prepare <dir>   decode the frames with sharp into <dir> (x86-64 side)
//   node native/cross/parity.mjs run <dir>       print the digests (either side)
/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- plain JS that both architectures' Node run as is; it loads the built dist/native at run time */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const shared = resolve(root, '../shared/data/euroc_mh01_excerpt/mav0');
const [mode, dir] = process.argv.slice(2);
const FRAMES = ['1403636589763555584', '1403636589813555456'];

if (mode === 'prepare') {
  const { default: sharp } = await import('sharp');
  for (const f of FRAMES) {
    const raw = await sharp(join(shared, 'cam0/data', `${f}.png`)).toColourspace('b-w').raw().toBuffer();
    writeFileSync(join(dir, `${f}.gray`), raw);
  }
} else if (mode === 'run') {
  const n = await import(join(root, 'dist/native/index.js'));
  const frame = (f) => ({ data: new Uint8Array(readFileSync(join(dir, `${f}.gray`))), widthPx: 752, heightPx: 480, format: 'GRAY8' });
  const [a, b] = FRAMES.map(frame);
  const h = (x) => createHash('sha256').update(Buffer.from(x.buffer, x.byteOffset, x.byteLength)).digest('hex').slice(0, 16);
  const corners = n.createCorners(10_000);
  const nc = new n.FastDetector({ threshold: 20 }).detectSync(a, corners);
  const kltOut = n.createKltOutput(nc);
  const nt = new n.KltTracker().trackSync(a, b, corners.xy.slice(0, 2 * nc), kltOut);
  const orb = n.createOrbFeatures(600);
  const no = new n.OrbExtractor().detectAndComputeSync(a, orb);
  const tensor = new Float32Array(3 * 416 * 416);
  n.letterboxSync(a, n.YOLOX_NANO_LETTERBOX, tensor);
  const rows = readFileSync(join(shared, 'imu0/data.csv'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(',').map(Number));
  const ts = Float64Array.from(rows, (r) => r[0] - rows[0][0]);
  const state = n.createMadgwickState();
  n.madgwickUpdateSync(state, { timestampsNs: ts, gyroRadps: new Float64Array(rows.flatMap((r) => r.slice(1, 4))), accelMps2: new Float64Array(rows.flatMap((r) => r.slice(4, 7))) });
  console.log(`fast ${nc} ${h(corners.xy.subarray(0, 2 * nc))}`);
  console.log(`klt ${nt} ${h(kltOut.nextXy.subarray(0, 2 * nc))}`);
  console.log(`orb ${no} ${h(orb.descriptors.subarray(0, 32 * no))}`);
  console.log(`letterbox ${h(tensor)}`);
  console.log(`madgwick ${Array.from(state.subarray(0, 4), (v) => v.toFixed(12)).join(' ')}`);
} else {
  console.error('usage: parity.mjs prepare|run <dir>');
  process.exit(2);
}
