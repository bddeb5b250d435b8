/**
 * `--topics imu0,cam0` / `--topics '/cam*'`: which devices of a session to record. A pattern matches a device
 * id or its topic (`/<id>`); `*` matches any run of characters, `?` one character. A pattern that matches no
 * device is an error naming it and the devices there are.
 */
import type { SessionDevice } from '../../hal/session/index.js';

/** `imu*` → /^imu.*$/ (other characters literal). */
export function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** The devices matching any of `patterns` (all when none are given), in session order. */
export function selectDevices(devices: readonly SessionDevice[], patterns: readonly string[] | undefined): SessionDevice[] {
  if (patterns === undefined || patterns.length === 0) return [...devices];
  const ids = devices.map((d) => d.device.info.id);
  const matchers = patterns.map((p) => ({ pattern: p, re: globToRegExp(p.trim()) }));
  for (const m of matchers) {
    if (!ids.some((id) => m.re.test(id) || m.re.test(`/${id}`))) {
      throw new Error(`--topics: "${m.pattern}" matches no device (devices: ${ids.join(', ') || 'none'})`);
    }
  }
  return devices.filter((d) => matchers.some((m) => m.re.test(d.device.info.id) || m.re.test(`/${d.device.info.id}`)));
}
