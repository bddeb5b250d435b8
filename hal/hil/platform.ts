/**
 * The platform a hardware-in-the-loop run is on, and what is known not to work there: per-platform gaps as
 * data, so that a HIL report says "not applicable here, because…" instead of failing or silently skipping.
 * Platform from `/proc/device-tree/model` (set by the board's device tree on Raspberry Pi and Jetson), else the
 * OS and architecture.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { DeviceKind } from '../types.js';

export type PlatformId = 'raspberry-pi-5' | 'raspberry-pi' | 'jetson-orin-nano' | 'jetson' | 'linux-x64' | 'linux-arm64' | 'other';

export interface Platform {
  readonly id: PlatformId;
  /** The board's model string, or `<os>-<arch>`. */
  readonly model: string;
}

/** Which platform `model` (the device-tree model string; default: this machine's) names. */
export function detectPlatform(model: string | undefined = readModel()): Platform {
  const m = model ?? '';
  if (/Raspberry Pi 5/i.test(m)) return { id: 'raspberry-pi-5', model: m };
  if (/Raspberry Pi/i.test(m)) return { id: 'raspberry-pi', model: m };
  if (/Orin Nano/i.test(m)) return { id: 'jetson-orin-nano', model: m };
  if (/Jetson|NVIDIA/i.test(m)) return { id: 'jetson', model: m };
  const os = `${process.platform}-${process.arch}`;
  if (os === 'linux-x64' || os === 'linux-arm64') return { id: os, model: m === '' ? os : m };
  return { id: 'other', model: m === '' ? os : m };
}

function readModel(): string | undefined {
  const file = '/proc/device-tree/model';
  return existsSync(file) ? readFileSync(file, 'utf8').replace(/\0/g, '').trim() : undefined;
}

/** Something that does not work, or works differently, on a platform. */
export interface PlatformGap {
  /** `*`: every platform. */
  readonly platform: PlatformId | '*';
  readonly kind: DeviceKind;
  /** The driver concerned; absent: the whole kind. */
  readonly driver?: string;
  readonly gap: string;
  readonly workaround: string;
}

export const PLATFORM_GAPS: readonly PlatformGap[] = Object.freeze([
  {
    platform: 'raspberry-pi-5',
    kind: 'camera',
    driver: 'v4l2',
    gap: 'CSI cameras go through libcamera and the PiSP ISP: their /dev/video* nodes are media-controller pipelines, not plain capture devices',
    workaround: 'CSI cameras: driver gstreamer with gst:libcamera; v4l2 is for USB (UVC) cameras',
  },
  {
    platform: 'jetson-orin-nano',
    kind: 'camera',
    driver: 'v4l2',
    gap: 'CSI cameras on /dev/video* deliver raw Bayer without the Argus ISP',
    workaround: 'CSI cameras: driver gstreamer with gst:nvargus; v4l2 is for USB (UVC) cameras',
  },
  {
    platform: 'raspberry-pi-5',
    kind: 'camera',
    driver: 'gstreamer',
    gap: 'gst:nvargus (nvarguscamerasrc) exists only on Jetson',
    workaround: 'gst:libcamera',
  },
  {
    platform: 'jetson-orin-nano',
    kind: 'camera',
    driver: 'gstreamer',
    gap: 'gst:libcamera: libcamera does not support the Jetson CSI pipeline',
    workaround: 'gst:nvargus',
  },
  {
    platform: 'jetson-orin-nano',
    kind: 'power',
    driver: 'sysfs-power',
    gap: 'the developer kit has no battery power_supply; its INA3221 rails are hwmon devices, which sysfs-power does not read',
    workaround: 'an I²C fuel gauge (max17048) or power monitor (ina219) on the 40-pin header',
  },
  {
    platform: 'raspberry-pi-5',
    kind: 'power',
    driver: 'sysfs-power',
    gap: 'no battery power_supply unless a UPS HAT with a kernel driver is fitted',
    workaround: 'an I²C fuel gauge (max17048) or power monitor (ina219), which most UPS HATs carry',
  },
  {
    platform: 'raspberry-pi-5',
    kind: 'audio',
    gap: 'no analogue microphone input on the board',
    workaround: 'a USB microphone, or an I²S MEMS microphone with its device-tree overlay (docs/hal-audio-thermal-power.md)',
  },
  {
    platform: 'linux-x64',
    kind: 'imu',
    gap: 'laptops expose no I²C header or 3.3 V UART for sensor breakouts',
    workaround: 'a USB–I²C bridge with an i2c-dev driver (e.g. MCP2221, CH341), a USB–UART adapter for serial IMUs, or USB glasses (xreal-air)',
  },
  {
    platform: 'linux-x64',
    kind: 'power',
    gap: 'no I²C fuel gauge on laptops',
    workaround: 'sysfs-power reads the laptop battery (sysfs:BAT0)',
  },
] satisfies PlatformGap[]);

/** The gaps of `platform` for `kind` (and `driver`, when given: gaps of that driver or of the whole kind). */
export function gapsFor(platform: PlatformId, kind?: DeviceKind, driver?: string): PlatformGap[] {
  return PLATFORM_GAPS.filter((g) => (g.platform === '*' || g.platform === platform) && (kind === undefined || g.kind === kind) && (driver === undefined || g.driver === undefined || g.driver === driver));
}
