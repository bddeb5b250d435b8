/**
 * The C addon's V4L2 functions on what this machine has (no /dev/video, no v4l2loopback): argument errors,
 * a missing node (ENOENT), a file that is not a V4L2 device (/dev/null → ENOTTY), and the driver's
 * DeviceError wrapping of both through the native backend.
 */
import { describe, expect, it } from 'vitest';
import { tryLoadHalNative } from '../../../hal/native/index.js';
import { V4l2Camera } from '../../../hal/v4l2/camera.js';
import { nativeV4l2Backend } from '../../../hal/v4l2/native-backend.js';
import { probeVideoDevices } from '../../../hal/v4l2/probe.js';
import { tmpFolder } from '../data.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DeviceError } from '../../../hal/types.js';

const { hal, reason } = tryLoadHalNative();

describe.skipIf(hal === null)(`karana_hal V4L2 functions${hal === null ? ` (skipped: ${reason ?? ''})` : ''}`, () => {
  const h = hal as NonNullable<typeof hal>;

  it('rejects a path that is not a string, naming the parameter', () => {
    expect(() => h.v4l2Open(42 as unknown as string)).toThrow(new TypeError(`"path" must be a device path such as '/dev/video0' (1 to 254 bytes)`));
    expect(() => h.v4l2Open('')).toThrow(TypeError);
  });

  it('names the path and ENOENT for a missing node', () => {
    let caught: unknown;
    try {
      h.v4l2Open('/dev/video63');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(Error);
    expect((caught as { code?: string }).code).toBe('ENOENT');
    expect((caught as Error).message).toBe(
      'karana_hal: /dev/video63: open failed: No such file or directory (ENOENT): no such device; list cameras with `ls /dev/video*` or `karana doctor`',
    );
  });

  it('says "not a V4L2 device" (ENOTTY) for /dev/null', () => {
    let caught: unknown;
    try {
      h.v4l2Open('/dev/null');
    } catch (err) {
      caught = err;
    }
    expect((caught as { code?: string }).code).toBe('ENOTTY');
    expect((caught as Error).message).toBe(
      'karana_hal: /dev/null: VIDIOC_QUERYCAP failed: Inappropriate ioctl for device (ENOTTY): not a V4L2 device (the file does not answer V4L2 ioctls)',
    );
  });

  it('refuses a handle that is not one of its own', () => {
    const calls: ((handle: never) => unknown)[] = [(x) => h.v4l2QueryCap(x), (x) => h.v4l2EnumFormats(x), (x) => h.v4l2GetFormat(x), (x) => h.v4l2Cancel(x), (x) => h.v4l2StopStreaming(x), (x) => h.v4l2Close(x)];
    for (const call of calls) expect(() => call({} as never)).toThrow(new TypeError('"handle" must be a handle returned by v4l2Open'));
    expect(() => h.v4l2Dequeue(null as never, 10)).toThrow(TypeError);
  });

  it('the v4l2 driver turns them into DeviceErrors naming the device id', async () => {
    const missing = new V4l2Camera({ id: 'cam0', path: '/dev/video63', backend: nativeV4l2Backend });
    await expect(missing.open()).rejects.toThrow(DeviceError);
    await expect(missing.open()).rejects.toThrow(/^cam0: karana_hal: \/dev\/video63: open failed: .*\(ENOENT\)/);
    const notV4l2 = new V4l2Camera({ id: 'cam0', path: '/dev/null', backend: nativeV4l2Backend });
    await expect(notV4l2.open()).rejects.toThrow('cam0: karana_hal: /dev/null: VIDIOC_QUERYCAP failed: Inappropriate ioctl for device (ENOTTY): not a V4L2 device');
  });

  it('probeVideoDevices through the addon: a video* file that is not a V4L2 node is reported, not thrown', async () => {
    const { dir, remove } = await tmpFolder('dev');
    await writeFile(join(dir, 'video0'), '');
    const found = await probeVideoDevices({ devDir: dir });
    expect(found).toEqual([{ path: join(dir, 'video0'), formats: [], usable: false, problem: `karana_hal: ${join(dir, 'video0')}: VIDIOC_QUERYCAP failed: Inappropriate ioctl for device (ENOTTY): not a V4L2 device (the file does not answer V4L2 ioctls)` }]);
    await remove();
  });
});
