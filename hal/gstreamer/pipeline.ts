/**
 * GStreamer pipelines for CSI cameras, and the `gst:` device spec.
 *
 * Spec forms (the session `path`, `karana doctor`, `KARANA_HIL_CAMERA`):
 * - `gst:libcamera` — Raspberry Pi 5 CSI camera through libcamera (`libcamerasrc`, Debian/Raspberry Pi OS
 *   package `gstreamer1.0-libcamera`);
 * - `gst:nvargus` — Jetson CSI camera through the Argus daemon (`nvarguscamerasrc` + `nvvidconv`, JetPack);
 * - `gst:file:<path>` — a recording decoded by `decodebin` (tests, laptops);
 * - `gst:<pipeline>` — any gst-launch description producing raw video, e.g.
 *   `gst:v4l2src device=/dev/video0 ! videoconvert`.
 * The driver appends `videoconvert ! video/x-raw,format=<GRAY8|RGB> ! gdppay ! fdsink fd=1 sync=false`, so
 * every buffer reaches it with its PTS (GDP, see `gdp.ts`). Element properties: GStreamer plugin docs for
 * libcamerasrc, nvarguscamerasrc (NVIDIA Jetson Linux Developer Guide, "Accelerated GStreamer"), gdppay, fdsink.
 */

/** A parsed `gst:` spec. */
export type GstSource =
  | { readonly kind: 'preset'; readonly preset: 'libcamera' | 'nvargus' }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'pipeline'; readonly pipeline: string };

/** What the pipeline should deliver. */
export interface GstRequest {
  readonly format: 'GRAY8' | 'RGB8';
  readonly widthPx?: number;
  readonly heightPx?: number;
  readonly rateHz?: number;
  /** nvarguscamerasrc `sensor-id` (CSI port index), default 0. */
  readonly sensorId?: number;
  /** libcamerasrc `camera-name` (from `libcamera-hello --list-cameras`), default the first camera. */
  readonly cameraName?: string;
}

export const GST_SPEC_FORM = 'gst:libcamera | gst:nvargus | gst:file:<path> | gst:<gst-launch pipeline>';

/** Parses a `gst:` spec; throws an Error showing the expected form. */
export function parseGstSpec(spec: string): GstSource {
  if (!spec.startsWith('gst:') || spec.length <= 4) throw new Error(`bad camera spec ${JSON.stringify(spec)}: expected ${GST_SPEC_FORM}`);
  const rest = spec.slice(4).trim();
  if (rest === 'libcamera' || rest === 'nvargus') return { kind: 'preset', preset: rest };
  if (rest.startsWith('file:')) {
    const path = rest.slice(5);
    if (path === '') throw new Error(`bad camera spec ${JSON.stringify(spec)}: expected gst:file:<path>`);
    return { kind: 'file', path };
  }
  if (/^[a-z0-9]/i.test(rest)) return { kind: 'pipeline', pipeline: rest };
  throw new Error(`bad camera spec ${JSON.stringify(spec)}: expected ${GST_SPEC_FORM}`);
}

const CAPS_FORMAT: Readonly<Record<GstRequest['format'], string>> = { GRAY8: 'GRAY8', RGB8: 'RGB' };

/** A gst-launch string for a property value (double-quoted, quotes and backslashes escaped). */
function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function rawCaps(memory: string, r: GstRequest, format?: string): string {
  const parts = [`video/x-raw${memory}`];
  if (format !== undefined) parts.push(`format=${format}`);
  if (r.widthPx !== undefined && r.heightPx !== undefined) parts.push(`width=${r.widthPx}`, `height=${r.heightPx}`);
  if (r.rateHz !== undefined) parts.push(`framerate=${Math.round(r.rateHz)}/1`);
  return parts.join(',');
}

/** The source part of the pipeline, ending in raw video in system memory. */
export function sourcePipeline(source: GstSource, r: GstRequest): string {
  switch (source.kind) {
    case 'preset':
      return source.preset === 'libcamera'
        ? `libcamerasrc${r.cameraName !== undefined ? ` camera-name=${quote(r.cameraName)}` : ''} ! ${rawCaps('', r)}`
        : `nvarguscamerasrc sensor-id=${r.sensorId ?? 0} ! ${rawCaps('(memory:NVMM)', r, 'NV12')} ! nvvidconv ! video/x-raw,format=${r.format === 'GRAY8' ? 'GRAY8' : 'BGRx'}`;
    case 'file':
      return `filesrc location=${quote(source.path)} ! decodebin`;
    case 'pipeline':
      return source.pipeline;
  }
}

/** The whole pipeline: source, conversion to the frame format, GDP on stdout. */
export function fullPipeline(source: GstSource, r: GstRequest): string {
  return `${sourcePipeline(source, r)} ! videoconvert ! video/x-raw,format=${CAPS_FORMAT[r.format]} ! gdppay ! fdsink fd=1 sync=false`;
}

/**
 * Arguments of `gst-launch-1.0` for the pipeline (`-q`: nothing but the GDP stream on stdout). gst-launch
 * joins its arguments after escaping the spaces outside double quotes in each (`gst_parse_launchv`), so
 * the description is split into its tokens at the spaces outside double quotes.
 */
export function gstLaunchArgs(source: GstSource, r: GstRequest): string[] {
  return ['-q', ...splitPipeline(fullPipeline(source, r))];
}

/** Splits a gst-launch description at whitespace outside double quotes (quotes kept, `\"` honoured). */
export function splitPipeline(description: string): string[] {
  const tokens: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < description.length; i++) {
    const c = description[i] as string;
    if (c === '"' && description[i - 1] !== '\\') quoted = !quoted;
    if (!quoted && /\s/.test(c)) {
      if (current !== '') tokens.push(current);
      current = '';
    } else current += c;
  }
  if (current !== '') tokens.push(current);
  return tokens;
}

/** What to install when gst-launch reports a missing element. */
export function missingElementHint(stderr: string): string {
  const m = /no element "([^"]+)"/.exec(stderr);
  if (m === null) return '';
  const el = m[1] ?? '';
  const pkg: Record<string, string> = {
    gdppay: 'gstreamer1.0-plugins-bad',
    libcamerasrc: 'gstreamer1.0-libcamera (Raspberry Pi OS: apt install gstreamer1.0-libcamera)',
    nvarguscamerasrc: 'the JetPack multimedia packages (nvidia-l4t-gstreamer)',
    nvvidconv: 'the JetPack multimedia packages (nvidia-l4t-gstreamer)',
    avdec_h264: 'gstreamer1.0-libav',
    videoconvert: 'gstreamer1.0-plugins-base',
  };
  return `; install ${pkg[el] ?? `the GStreamer plugin that provides "${el}" (gst-inspect-1.0 ${el})`}`;
}
