/**
 * Session loading: the automatic session of the EuRoC MH_01 excerpt folder, the example manifest of
 * docs/sessions.md (every mock driver on the shared recordings; video-camera needs FFmpeg), per-device failures,
 * and manifests with bad fields (exact error texts).
 */
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVERS } from '../../hal/drivers.js';
import type { EurocCamera } from '../../hal/mock/euroc-camera.js';
import { loadSession } from '../../hal/session/load.js';
import { SessionError } from '../../hal/session/types.js';
import type { Session } from '../../hal/session/types.js';
import { DeviceError } from '../../hal/types.js';
import type { CameraDevice, ImuDevice } from '../../hal/types.js';
import { JFK_WAV, MH01, ROOT, SHARED_DATA, drain, tmpFolder } from './data.js';
import { buildCameraFolder } from './fixtures.js';

const FIRST_FRAME_NS = 1403636584763555584n;
const LAST_FRAME_NS = 1403636614713555456n;

let tmp = '';
let removeTmp: () => Promise<void> = async () => undefined;
beforeAll(async () => {
  const t = await tmpFolder('session');
  tmp = t.dir;
  removeTmp = t.remove;
});
afterAll(async () => {
  await removeTmp();
});

/** Writes `text` as `<tmp>/<name>/session.toml` and returns its path. */
async function manifest(name: string, text: string): Promise<string> {
  const dir = join(tmp, name);
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'session.toml');
  await writeFile(file, text);
  return file;
}

function device(session: Session, id: string): Session['devices'][number] {
  const found = session.devices.find((d) => d.config.id === id);
  if (found === undefined) throw new Error(`no device ${id}; failed: ${session.failed.map((f) => f.error.message).join('; ')}`);
  return found;
}

describe('automatic session of a plain EuRoC folder', () => {
  it('replays cam0 (600 frames), the 5,991 IMU samples of their span and the ground truth, on session time', async () => {
    const session = await loadSession(MH01);
    expect(session.name).toBe('euroc_mh01_excerpt');
    expect(session.failed).toEqual([]);
    expect(session.startNs).toBe(FIRST_FRAME_NS);
    expect(session.durationNs).toBe(Number(LAST_FRAME_NS - FIRST_FRAME_NS)); // 29,949,999,872 ns
    expect(session.devices.map((d) => [d.config.id, d.device.info.kind])).toEqual([['cam0', 'camera'], ['imu0', 'imu']]);
    const cam = device(session, 'cam0');
    expect((cam.device as EurocCamera).frameCount).toBe(600);
    expect(cam.device.info).toMatchObject({ role: 'tracking', widthPx: 752, heightPx: 480, format: 'GRAY8' });
    expect(cam.toSessionNs(FIRST_FRAME_NS)).toBe(0);
    const imu = device(session, 'imu0');
    const { samples } = await drain(imu.device as ImuDevice);
    expect(samples).toHaveLength(5_991);
    expect(imu.toSessionNs(samples[0]?.deviceTimeNs ?? 0n)).toBe(0);
    expect(imu.toSessionNs(samples.at(-1)?.deviceTimeNs ?? 0n)).toBe(29_949_999_872);
    const gt = await session.groundTruth?.load();
    expect(gt?.count).toBe(5_990);
    expect(session.groundTruth?.toSessionNs(gt?.tNs[0] ?? 0n)).toBe(4_352); // first GT pose in the span: 1403636584763559936, 4.352 µs after the first frame
    await session.close();
  });
});

describe('session.toml', () => {
  it('opens the example of docs/sessions.md: every mock driver, clocks mapped to session time', async () => {
    // The example sits in a folder beside the shared recordings: rebuild that layout with links.
    const root = join(tmp, 'docs-example');
    await mkdir(join(root, 'demo'), { recursive: true });
    for (const name of ['euroc_mh01_excerpt', 'audio', 'video', 'traces']) await symlink(join(SHARED_DATA, name), join(root, name));
    const doc = await readFile(join(ROOT, 'docs/sessions.md'), 'utf8');
    const example = /```toml\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    const file = join(root, 'demo/session.toml');
    await writeFile(file, example);
    const session = await loadSession(file);
    expect(session.failed).toEqual([]);
    expect(session.name).toBe('mh01-with-mic-and-power');
    expect(session.manifestPath).toBe(file);
    expect(session.startNs).toBe(FIRST_FRAME_NS + 5_000_000_000n);
    expect(session.durationNs).toBe(10_000_000_000);
    expect(session.devices.map((d) => d.config.id)).toEqual(['cam0', 'imu0', 'mic', 'world', 'soc', 'battery']);
    // EuRoC devices replay only [startNs, startNs + 10 s]: 201 frames, 2,001 IMU samples.
    const cam = await drain(device(session, 'cam0').device as CameraDevice);
    expect(cam.samples).toHaveLength(201);
    expect(device(session, 'cam0').toSessionNs(cam.samples[0]?.deviceTimeNs ?? 0n)).toBe(0);
    expect((await drain(device(session, 'imu0').device as ImuDevice)).samples).toHaveLength(2_001);
    const mic = device(session, 'mic');
    const chunk = await mic.device.read();
    expect(mic.toSessionNs(chunk?.deviceTimeNs ?? -1n)).toBe(2_500_000_000);
    const world = device(session, 'world');
    expect(world.device.info).toMatchObject({ role: 'world', format: 'RGB8' });
    expect(world.toSessionNs((await world.device.read())?.deviceTimeNs ?? -1n)).toBe(1_033_000_000); // pts 33 ms + offsetS 1
    const soc = device(session, 'soc');
    expect(soc.device.info).toMatchObject({ zone: 'cpu-thermal' });
    expect(await soc.device.read()).toEqual({ deviceTimeNs: 0n, tempC: 69 }); // line 3601: 3600,95.9,69,2000
    const battery = device(session, 'battery');
    expect(await battery.device.read()).toEqual({ deviceTimeNs: 78_000_000_000n, voltageV: 4.138, powerW: 8.925, batteryPercent: 79 });
    expect(battery.toSessionNs(78_000_000_000n)).toBe(78_000_000_000);
    expect((await session.groundTruth?.load())?.count).toBe(2_000);
    await session.close();
  });

  it('maps an ASL folder stamped from 0 (clock = "relative") beside absolute EuRoC devices', async () => {
    const dir = join(tmp, 'relative');
    const frames = await buildCameraFolder(join(dir, 'world'), 5, 'jpeg', false);
    const first = frames[0]?.tNs ?? 0n;
    const rows = frames.map((f) => `${f.tNs - first},${f.name}`);
    await writeFile(join(dir, 'world/data.csv'), ['#timestamp [ns],filename', ...rows].join('\n'));
    await manifest(
      'relative',
      `name = "relative"\nstartNs = "${FIRST_FRAME_NS}"\n[[devices]]\nid = "world"\nkind = "camera"\ndriver = "euroc-camera"\npath = "world"\nrole = "world"\nclock = "relative"\noffsetS = 0.5\n`,
    );
    const session = await loadSession(dir);
    const world = device(session, 'world');
    expect(world.config.clock).toBe('relative');
    const stamps = (await drain(world.device as CameraDevice)).samples.map((f) => world.toSessionNs(f.deviceTimeNs));
    expect(stamps).toEqual([500_000_000, 549_999_872, 600_000_000, 649_999_872, 700_000_000]); // EuRoC stamps: 50 ms ∓ 128 ns steps
    await session.close();
  });

  it('goes on without a device that fails to open, and says why', async () => {
    await manifest(
      'one-missing',
      `
name = "one-missing"
[[devices]]
id = "mic"
kind = "audio"
driver = "wav-audio"
path = "no-such.wav"

[[devices]]
id = "mic2"
kind = "audio"
driver = "wav-audio"
path = "${JFK_WAV}"
`,
    );
    const session = await loadSession(join(tmp, 'one-missing/session.toml'));
    expect(session.devices.map((d) => d.config.id)).toEqual(['mic2']);
    expect(session.failed.map((f) => [f.id, f.error])).toEqual([
      ['mic', new DeviceError('mic', `cannot open ${join(tmp, 'one-missing/no-such.wav')}: no such file or directory (ENOENT)`)],
    ]);
    expect(session.startNs).toBe(0n);
    await session.close();
  });

  it('refuses a path that is no session', async () => {
    await expect(loadSession(tmp)).rejects.toThrow(
      new SessionError(tmp, [{ path: '', message: 'not a session: expected a session.toml file, a folder holding one, or an EuRoC/ASL folder holding mav0/' }]),
    );
    const missing = join(tmp, 'nothing-here');
    await expect(loadSession(missing)).rejects.toThrow(`${missing}: cannot open the session: no such file or directory (ENOENT)`);
  });
});

describe('session.toml with bad fields', () => {
  const HEAD = 'name = "bad"\n';
  const WAV = (extra = ''): string => `[[devices]]\nid = "mic"\nkind = "audio"\ndriver = "wav-audio"\npath = "a.wav"\n${extra}\n`;

  async function errorOf(name: string, text: string): Promise<string> {
    const file = await manifest(name, text);
    const error = await loadSession(file).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(SessionError);
    return (error as Error).message.replaceAll(file, 'session.toml');
  }

  it('names an unknown driver and lists the known ones', async () => {
    const text = HEAD + WAV() + WAV().replace('"mic"', '"mic2"') + '[[devices]]\nid = "cam"\nkind = "camera"\ndriver = "v4l3"\npath = "/dev/video0"\n';
    expect(await errorOf('unknown-driver', text)).toBe(
      `session.toml: devices[2].driver: unknown driver "v4l3" (known: ${DRIVERS.map((d) => d.name).join(', ')})`,
    );
  });

  it('names every bad field with its path', async () => {
    const text = `${HEAD}durationS = -1\n${WAV('offsetS = "2"\nchunkSize = 512')}[[devices]]\nid = "t"\nkind = "thermal"\ndriver = "csv-trace"\npath = "t.csv"\nrole = "world"\ntime = { unit = "h" }\nvalues.tempC = { column = 2 }\n`;
    expect((await errorOf('bad-fields', text)).split('\n')).toEqual([
      'session.toml: durationS: Too small: expected number to be >0',
    ]);
    const text2 = `${HEAD}${WAV('offsetS = "2"\nchunkSize = 512')}[[devices]]\nid = "t"\nkind = "thermal"\ndriver = "csv-trace"\npath = "t.csv"\nrole = "world"\ntime = { unit = "h" }\nvalues.tempC = { column = 2 }\n`;
    expect((await errorOf('bad-fields-2', text2)).split('\n')).toEqual([
      'session.toml: devices[0].offsetS: Invalid input: expected number, received string',
      'session.toml: devices[0].chunkSize: unknown field',
      'session.toml: devices[1].time.column: required',
      'session.toml: devices[1].time.unit: Invalid option: expected one of "s"|"ms"|"us"|"ns"',
    ]);
  });

  it('refuses a role on a device that is not a camera, a kind the driver does not serve, and duplicate ids', async () => {
    const text = `${HEAD}${WAV('role = "world"')}${WAV().replace('"audio"', '"imu"')}${WAV()}`;
    expect((await errorOf('kinds', text)).split('\n')).toEqual([
      'session.toml: devices[0].role: only cameras have a role',
      'session.toml: devices[1].kind: driver "wav-audio" serves audio devices, not "imu"',
    ]);
    expect(await errorOf('dup', HEAD + WAV() + WAV())).toBe('session.toml: devices[1].id: duplicate id "mic" (devices[0] has it)');
  });

  it('requires startNs when a device has absolute timestamps', async () => {
    const text = `${HEAD}[[devices]]\nid = "imu0"\nkind = "imu"\ndriver = "euroc-imu"\npath = "mav0/imu0"\n`;
    expect(await errorOf('no-start', text)).toBe(
      'session.toml: startNs: required: device "imu0" (euroc-imu) has absolute timestamps; give the session start on that clock, in ns',
    );
  });

  it('points at the line and column of a TOML syntax error', async () => {
    expect(await errorOf('syntax', `${HEAD}[[devices]]\nid = "mic\n`)).toBe('session.toml:3:10: invalid TOML: control characters are not allowed in strings');
  });
});
