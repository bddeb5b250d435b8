#!/usr/bin/env node
// Cuts the bundled sample session (hal/sessions/sample) from the real recordings in ../shared/data.
// Run from the repository root: `node hal/sessions/make-sample.mjs [../shared/data]` (needs ffmpeg).
// Every file is copied or cut, never synthesised: PNG frames byte for byte, CSV rows verbatim,
// the video decoded once to JPEG frames (the only lossy step: H.264 → JPEG quality 90).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const data = process.argv[2] ?? '../shared/data';
const out = 'hal/sessions/sample';

// Tracking camera + IMU + ground truth: the first 10 s (200 frames) of the EuRoC MH_01 excerpt,
// the hand-held part with up to ~22° of rotation.
const FRAMES = 200;
// World camera: 10 s of the person video from 44.0 s (a person leaves, the room is empty, another enters).
const VIDEO_START_S = 44;
const VIDEO_FPS = 10;
const SPAN_S = 10;
// Thermal: Raspberry Pi 4 under `stress`, from 683 s (59 °C, crossing 60 °C and wobbling 59/60 °C).
const THERMAL_START_S = 683;
// Battery: Pi UPS discharge from 2,246 s (61 %).
const BATTERY_START_S = 2246;

rmSync(out, { recursive: true, force: true });
const euroc = join(data, 'euroc_mh01_excerpt/mav0');
const mav = join(out, 'mav0');
for (const d of ['cam0/data', 'imu0', 'state_groundtruth_estimate0']) mkdirSync(join(mav, d), { recursive: true });

const camRows = readFileSync(join(euroc, 'cam0/data.csv'), 'utf8').trim().split('\n');
const frames = camRows.slice(1, 1 + FRAMES);
writeFileSync(join(mav, 'cam0/data.csv'), [camRows[0], ...frames].join('\n') + '\n');
for (const row of frames) {
  const file = row.split(',')[1].trim();
  copyFileSync(join(euroc, 'cam0/data', file), join(mav, 'cam0/data', file));
}
const firstNs = BigInt(frames[0].split(',')[0]);
const lastNs = BigInt(frames[frames.length - 1].split(',')[0]);
for (const f of ['cam0/sensor.yaml', 'imu0/sensor.yaml', 'state_groundtruth_estimate0/sensor.yaml', 'body.yaml']) {
  copyFileSync(join(euroc, f), join(mav, f));
}
for (const f of ['imu0/data.csv', 'state_groundtruth_estimate0/data.csv']) {
  const rows = readFileSync(join(euroc, f), 'utf8').trim().split('\n');
  const kept = rows.slice(1).filter((r) => {
    const t = BigInt(r.split(',')[0]);
    return t >= firstNs && t <= lastNs;
  });
  writeFileSync(join(mav, f), [rows[0], ...kept].join('\n') + '\n');
}

// World camera as an ASL-style image folder: data.csv (ns since the excerpt start, file name) + JPEGs.
const world = join(out, 'world');
mkdirSync(join(world, 'data'), { recursive: true });
execFileSync('ffmpeg', [
  '-loglevel', 'error', '-ss', String(VIDEO_START_S), '-i', join(data, 'video/one-by-one-person-detection.mp4'),
  '-t', String(SPAN_S), '-vf', `fps=${VIDEO_FPS}`, '-q:v', '3', join(world, 'data', '%04d.jpg'),
]);
const jpgs = readdirSync(join(world, 'data')).filter((f) => f.endsWith('.jpg')).sort();
const worldRows = ['#timestamp [ns],filename'];
jpgs.forEach((f, i) => {
  const ns = (BigInt(i) * 1_000_000_000n) / BigInt(VIDEO_FPS);
  const name = `${ns.toString().padStart(11, '0')}.jpg`;
  copyFileSync(join(world, 'data', f), join(world, 'data', name));
  rmSync(join(world, 'data', f));
  worldRows.push(`${ns},${name}`);
});
writeFileSync(join(world, 'data.csv'), worldRows.join('\n') + '\n');

// Microphone: jfk.wav whole (11 s, 16 kHz mono).
mkdirSync(join(out, 'audio'), { recursive: true });
copyFileSync(join(data, 'audio/jfk.wav'), join(out, 'audio/jfk.wav'));

// Traces: the rows covering the session (plus a margin), verbatim with their header.
mkdirSync(join(out, 'traces'), { recursive: true });
/**
 * Keep the header and the rows whose time (s) is in [from, from + seconds].
 * @param {string} src @param {string} dst @param {(row: string) => number} timeOf @param {number} from @param {number} seconds
 */
const cut = (src, dst, timeOf, from, seconds) => {
  const rows = readFileSync(src, 'utf8').trim().split('\n');
  const kept = rows.slice(1).filter((r) => {
    const t = timeOf(r);
    return t >= from && t <= from + seconds;
  });
  writeFileSync(dst, [rows[0], ...kept].join('\n') + '\n');
};
cut(join(data, 'traces/rpi4_thermal/rpi4b_2_temp_bench.csv'), join(out, 'traces/rpi4b_2_temp_bench.csv'), (r) => Number(r.split(',')[0]), THERMAL_START_S, SPAN_S + 5);
cut(join(data, 'traces/rpi4_ups_battery/batt_log_2021-04-28_203426.csv'), join(out, 'traces/rpi4_ups_battery.csv'), (r) => Number(r.split(',')[0].replaceAll('"', '')), BATTERY_START_S, SPAN_S + 10);

// Licences travel with the data.
copyFileSync(join(data, 'video/LICENSE'), join(out, 'world/LICENSE.CC-BY-4.0.txt'));
copyFileSync(join(data, 'audio/LICENSE.whisper.cpp.txt'), join(out, 'audio/LICENSE.whisper.cpp.txt'));
copyFileSync(join(data, 'traces/rpi4_ups_battery/LICENSE'), join(out, 'traces/LICENSE.upsplusv5-battery-logger.txt'));
console.log(`sample session written to ${out}: ${frames.length} tracking frames, ${jpgs.length} world frames`);
