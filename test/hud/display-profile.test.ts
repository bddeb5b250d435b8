/**
 * Display profiles (JSON/TOML, errors naming the file and the field, the laptop default from cam0), the page's
 * projection against the runtime's (`geometry.ts` `projectPoint`, OpenCV model) on the sample's cam0, the kiosk
 * launcher's arguments (spawn injected), and the page → server message checks.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSession } from '../../hal/session/index.js';
import type { CameraInfo } from '../../hal/types.js';
import { defaultDisplayProfile, DisplayProfileError, GENERIC_GLASSES_PROFILE, loadDisplayProfile, parseDisplayProfile } from '../../src/hud/display-profile.js';
import { kioskArgs, launchKiosk } from '../../src/hud/kiosk.js';
import { parsePageMessage } from '../../src/hud/page-messages.js';
import { PROJECT_JS } from '../../src/hud/page/project-js.js';
import { compose, inverse, projectPoint, transformPoint } from '../../src/layers/intelligence/anchors/geometry.js';
import { createViewCamera } from '../../src/layers/intelligence/anchors/view.js';
import { sampleSessionPath } from '../../src/paths.js';
import { tmpFolder } from '../hal/data.js';

const tmp = tmpFolder('display-profile');
afterAll(async () => (await tmp).remove());

async function cam0(): Promise<CameraInfo> {
  const session = await loadSession(sampleSessionPath());
  const infos = session.devices.map((d) => d.device.info as CameraInfo);
  await session.close();
  return infos.find((i) => i.id === 'cam0') as CameraInfo;
}

describe('display profiles', () => {
  it('the laptop default is the tracking camera: its intrinsics, distortion, T_body_camera, 60 Hz, its frames beneath', async () => {
    const session = await loadSession(sampleSessionPath());
    const p = defaultDisplayProfile(session.devices.map((d) => d.device.info as CameraInfo));
    await session.close();
    const c = await cam0();
    expect(p).toMatchObject({ name: 'camera cam0', widthPx: 752, heightPx: 480, intrinsics: c.calibration?.intrinsics, distortionModel: 'radial-tangential', refreshHz: 60, backgroundCameraId: 'cam0' });
    expect(p.fovDeg[0]).toBeCloseTo(78.8, 0);
    expect(defaultDisplayProfile([])).toBe(GENERIC_GLASSES_PROFILE);
  });

  it('reads TOML and JSON; a field of view gives centred square pixels; ipdM gives two eyes ∓ipd/2 along the display x', async () => {
    const dir = (await tmp).dir;
    await writeFile(join(dir, 'g.toml'), 'name = "glasses"\nwidthPx = 1920\nheightPx = 1080\nrefreshHz = 90\nfovHDeg = 46\nipdM = 0.064\n');
    const p = await loadDisplayProfile(join(dir, 'g.toml'));
    expect(p.intrinsics[0]).toBeCloseTo(960 / Math.tan((23 * Math.PI) / 180), 9);
    expect(p.intrinsics.slice(1)).toEqual([p.intrinsics[0], 959.5, 539.5]);
    expect(p.eyes.map((e) => [e.name, e.p_body_eye_m])).toEqual([['left', [-0.032, 0, 0]], ['right', [0.032, 0, 0]]]);
    expect(p.refreshHz).toBe(90);
    await writeFile(join(dir, 'g.json'), JSON.stringify({ name: 'j', widthPx: 640, heightPx: 480, refreshHz: 60, intrinsics: [500, 500, 320, 240], distortion: [0.1, 0, 0, 0], backgroundCameraId: 'cam0' }));
    expect(await loadDisplayProfile(join(dir, 'g.json'))).toMatchObject({ distortionModel: 'radial-tangential', distortion: [0.1, 0, 0, 0], eyes: [{ name: 'center' }] });
  });

  it('errors name the file and the field', async () => {
    const dir = (await tmp).dir;
    expect(() => parseDisplayProfile('x.toml', { name: 'a', widthPx: 10, heightPx: 10, refreshHz: -1, fovHDeg: 40 })).toThrow(new DisplayProfileError('display profile x.toml "refreshHz": Too small: expected number to be >0'));
    expect(() => parseDisplayProfile('x.toml', { name: 'a', widthPx: 10, heightPx: 10, refreshHz: 60 })).toThrow('display profile x.toml "": give exactly one of "intrinsics" and "fovHDeg"');
    expect(() => parseDisplayProfile('x.json', { name: 'a', widthPx: 10, heightPx: 10, refreshHz: 60, fovHDeg: 40, fov: 3 })).toThrow(/^display profile x\.json "": Unrecognized key: "fov"/);
    await writeFile(join(dir, 'bad.toml'), 'name = ');
    await expect(loadDisplayProfile(join(dir, 'bad.toml'))).rejects.toThrow(`display profile ${join(dir, 'bad.toml')}: not TOML: `);
    await expect(loadDisplayProfile(join(dir, 'missing.json'))).rejects.toThrow(`display profile ${join(dir, 'missing.json')}: cannot read: `);
  });
});

describe('the page projection (project-js.ts)', () => {
  it('agrees with geometry.ts projectPoint on cam0 for points over the image, with the ground-truth poses of the sample', async () => {
    const c = await cam0();
    const session = await loadSession(sampleSessionPath());
    const profile = defaultDisplayProfile(session.devices.map((d) => d.device.info as CameraInfo));
    const gt = await session.groundTruth?.load();
    await session.close();
    if (gt === undefined || c.calibration === undefined) throw new Error('no ground truth or calibration');
    const view = createViewCamera(c.calibration, c.widthPx, c.heightPx);
    const page = runInNewContext(`${PROJECT_JS}; ({ eyePose, projectWorldPoint })`) as { eyePose: (pose: unknown, eye: unknown) => unknown; projectWorldPoint: (p: unknown, T: unknown, pw: number[]) => { u: number; v: number } | null };
    let compared = 0;
    for (let k = 0; k < gt.count; k += 53) {
      const T_world_body = { q: Array.from(gt.q_world_body.subarray(4 * k, 4 * k + 4)) as [number, number, number, number], p: Array.from(gt.position.subarray(3 * k, 3 * k + 3)) as [number, number, number] };
      const T_world_cam = compose(T_world_body, view.T_body_camera);
      for (const pc of [[0, 0, 3], [1.2, -0.8, 2.5], [-1.5, 1, 4], [0.3, 0.2, 0.5]] as const) {
        const pw = transformPoint(T_world_cam, pc);
        const expected = projectPoint(view.camera, transformPoint(inverse(T_world_cam), pw));
        const got = page.projectWorldPoint(profile, page.eyePose(T_world_body, profile.eyes[0]), [...pw]);
        expect(got).not.toBeNull();
        expect(Math.hypot((got?.u ?? 0) - (expected?.[0] ?? 0), (got?.v ?? 0) - (expected?.[1] ?? 0))).toBeLessThan(1e-9);
        compared += 1;
      }
      expect(page.projectWorldPoint(profile, page.eyePose(T_world_body, profile.eyes[0]), [...transformPoint(T_world_cam, [0, 0, -2])])).toBeNull();
    }
    expect(compared).toBeGreaterThan(100);
  });
});

describe('kiosk launcher', () => {
  it('builds the Chromium arguments for the display view at the profile size', () => {
    expect(kioskArgs({ url: 'http://127.0.0.1:8790/', profile: GENERIC_GLASSES_PROFILE, userDataDir: '/tmp/k', windowPositionPx: [1920, 0], eye: 'left' })).toEqual([
      '--kiosk', '--app=http://127.0.0.1:8790/?view=display&eye=left', '--window-size=1280,720', '--window-position=1920,0', '--force-device-scale-factor=1',
      '--user-data-dir=/tmp/k', '--no-first-run', '--noerrdialogs', '--disable-infobars', '--disable-session-crashed-bubble', '--disable-translate', '--autoplay-policy=no-user-gesture-required',
    ]);
  });

  it('spawns the injected binary with them; a missing binary is reported, not thrown', async () => {
    const calls: Array<{ command: string; args: readonly string[] }> = [];
    const k = launchKiosk({ url: 'http://h:1/', profile: GENERIC_GLASSES_PROFILE, chromiumPath: '/bin/true', spawn: (command, args, o) => (calls.push({ command, args }), spawn(command, [...args], o)) });
    expect(calls[0]?.command).toBe('/bin/true');
    expect(calls[0]?.args[1]).toBe('--app=http://h:1/?view=display');
    expect(await k.exited).toBe(0);
    const missing = launchKiosk({ url: 'http://h:1/', profile: GENERIC_GLASSES_PROFILE, chromiumPath: '/nonexistent/chromium' });
    expect(await missing.exited).toMatch(/^cannot start \/nonexistent\/chromium: spawn \/nonexistent\/chromium ENOENT/);
  });
});

describe('page messages', () => {
  it('accepts input and pings; names what is wrong otherwise', () => {
    expect(parsePageMessage('{"type":"input","input":{"kind":"key","action":"next"}}')).toEqual({ message: { type: 'input', input: { kind: 'key', action: 'next' } } });
    expect(parsePageMessage('{"type":"ping","t0Ms":12.5}')).toEqual({ message: { type: 'ping', t0Ms: 12.5 } });
    expect(parsePageMessage('{"type":"input","input":{"kind":"pinch","phase":"start","atPx":[1],"targetId":null}}')).toEqual({ error: '"input.atPx": Too small: expected array to have >=2 items' });
    expect(parsePageMessage('nope')).toEqual({ error: 'not JSON' });
  });
});
