/** `/dev/videoN` specs (a V4L2 node; `/dev/v4l/by-id/<name>` links, stable across replugging, too). */

export const VIDEO_SPEC_FORM = '/dev/videoN (e.g. /dev/video0) or /dev/v4l/by-id/<name>';

/** The device path in `spec`; throws an Error showing the expected form. */
export function parseVideoSpec(spec: string): string {
  if (/^\/dev\/video\d+$/.test(spec) || /^\/dev\/v4l\/by-(id|path)\/[^/\s]+$/.test(spec)) return spec;
  throw new Error(`bad camera spec ${JSON.stringify(spec)}: expected ${VIDEO_SPEC_FORM}`);
}
