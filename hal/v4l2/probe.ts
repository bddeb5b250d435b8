/**
 * `karana doctor` for V4L2 cameras: every `/dev/video*` node with what VIDIOC_QUERYCAP and ENUM_FMT say
 * (card, driver, bus, capabilities, formats and sizes), whether the v4l2 driver can read it, and what is
 * wrong otherwise (permission: the `video` group; busy; a metadata node, which UVC cameras add beside each
 * capture node; a multi-planar node, which the gstreamer driver with libcamera serves). Never throws.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { V4l2Backend } from './backend.js';
import { nativeV4l2Backend } from './native-backend.js';
import { isSupportedFourcc } from './negotiate.js';

export interface ProbedVideoDevice {
  readonly path: string;
  readonly card?: string;
  readonly driver?: string;
  readonly busInfo?: string;
  readonly deviceCaps?: number;
  /** `YUYV 640×480@30, …` per format. */
  readonly formats: readonly { readonly fourcc: string; readonly sizes: readonly string[] }[];
  /** True when the v4l2 driver can capture from it. */
  readonly usable: boolean;
  readonly problem?: string;
  readonly fix?: string;
}

/** Probes the `video*` nodes in `devDir` (default `/dev`) through `backend` (default the C addon). */
export async function probeVideoDevices(options: { devDir?: string; backend?: V4l2Backend } = {}): Promise<ProbedVideoDevice[]> {
  const devDir = options.devDir ?? '/dev';
  const backend = options.backend ?? nativeV4l2Backend;
  const names = (await readdir(devDir).catch(() => [] as string[])).filter((n) => /^video\d+$/.test(n)).sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)));
  const out: ProbedVideoDevice[] = [];
  for (const name of names) {
    const path = join(devDir, name);
    try {
      const port = await backend.open(path);
      try {
        const cap = port.queryCap();
        const formats = port.enumFormats().map((f) => ({
          fourcc: f.fourcc,
          sizes: f.sizes.map((s) => `${s.widthPx}×${s.heightPx}${s.intervals.length > 0 ? `@${s.intervals.map((i) => +(i.denominator / i.numerator).toFixed(2)).join('/')}` : ''}`),
        }));
        const usable = formats.some((f) => isSupportedFourcc(f.fourcc));
        out.push({
          path,
          card: cap.card,
          driver: cap.driver,
          busInfo: cap.busInfo,
          deviceCaps: cap.deviceCaps,
          formats,
          usable,
          ...(usable ? {} : { problem: `offers ${formats.map((f) => f.fourcc).join(', ') || 'no format'}; the v4l2 driver reads GREY, YUYV, NV12, MJPG`, fix: 'use the gstreamer driver with a pipeline that decodes it' }),
        });
      } finally {
        port.close();
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const code = (err as { code?: string }).code;
      const fix =
        code === 'EACCES' || code === 'EPERM'
          ? 'sudo usermod -aG video $USER, then log in again'
          : code === 'EBUSY'
            ? 'stop the program that streams from it (fuser -v ' + path + ')'
            : code === 'ENOTSUP' && /multi-planar/.test(message)
              ? 'use the gstreamer driver (gst:libcamera on a Raspberry Pi 5)'
              : code === 'ENOTSUP'
                ? 'nothing to do: not a capture node (UVC cameras add a metadata node beside each capture node)'
                : undefined;
      out.push({ path, formats: [], usable: false, problem: message, ...(fix !== undefined ? { fix } : {}) });
    }
  }
  return out;
}
