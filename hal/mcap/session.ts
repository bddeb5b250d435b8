/**
 * A whole recording as a session: `planMcapSession(file)` reads the `karana.session` and `karana.device.*`
 * metadata at the head of a file written by `karana record` and returns the {@link SessionPlan} of the
 * recorded session with every device on the `mcap` driver, each keeping its recorded clock (`absolute` or
 * `relative`) and `offsetS`, so session time is the same as when it was recorded. `openMcapSession(file)`
 * opens it (without needing `mcap` in the driver table). The ground truth of the original session is not
 * recorded.
 *
 * Errors: {@link SessionError} naming the file when it cannot be read, is not MCAP, or was not written by
 * `karana record` (no `karana.session` metadata).
 */
import { dirname, resolve } from 'node:path';
import type { DeviceConfig } from '../drivers.js';
import { describeFsError } from '../mock/files.js';
import { deviceWindow, sessionClock } from '../session/clock.js';
import { SessionError } from '../session/types.js';
import type { FailedDevice, Session, SessionDevice, SessionPlan } from '../session/types.js';
import { DeviceError } from '../types.js';
import type { CameraRole, DeviceInfo } from '../types.js';
import { MCAP_DRIVERS } from './drivers.js';
import { scanMcap } from './scan.js';
import { DEVICE_METADATA_PREFIX, SESSION_METADATA } from './writer.js';

const digits = /^\d{1,30}$/;

/** The plan of the session recorded in `file` (see the module documentation). */
export async function planMcapSession(file: string): Promise<SessionPlan> {
  const path = resolve(file);
  const fail = (message: string): never => {
    throw new SessionError(file, [{ path: '', message }]);
  };
  let session: ReadonlyMap<string, string> | undefined;
  const devices: DeviceConfig[] = [];
  try {
    for await (const item of scanMcap(path)) {
      if (item.type === 'channel' || item.type === 'message' || item.type === 'end') break;
      if (item.type !== 'metadata') continue;
      const { name, metadata } = item.metadata;
      if (name === SESSION_METADATA) session = metadata;
      else if (name.startsWith(DEVICE_METADATA_PREFIX)) devices.push(deviceConfig(file, path, name.slice(DEVICE_METADATA_PREFIX.length), metadata));
    }
  } catch (err) {
    if (err instanceof SessionError) throw err;
    fail(`cannot read the recording: ${describeFsError(err)}`);
  }
  if (session === undefined) return fail('not a recording of `karana record` (no karana.session metadata)');
  const startNs = session.get('startNs') ?? '';
  const durationNs = session.get('durationNs');
  if (!digits.test(startNs) || (durationNs !== undefined && !digits.test(durationNs))) fail('karana.session metadata: startNs and durationNs must be decimal ns');
  const description = session.get('description');
  return {
    name: session.get('name') ?? 'recording',
    description: description ?? `recording ${path}`,
    rootDir: dirname(path),
    startNs: BigInt(startNs),
    ...(durationNs === undefined ? {} : { durationNs: BigInt(durationNs) }),
    devices,
  };
}

function deviceConfig(file: string, path: string, id: string, meta: ReadonlyMap<string, string>): DeviceConfig {
  let info: DeviceInfo & { role?: CameraRole };
  try {
    info = JSON.parse(meta.get('info') ?? '') as DeviceInfo;
  } catch {
    throw new SessionError(file, [{ path: `${DEVICE_METADATA_PREFIX}${id}`, message: 'unreadable device description' }]);
  }
  const clock = meta.get('clock') === 'relative' ? 'relative' : 'absolute';
  const offsetS = Number(meta.get('offsetS') ?? '0');
  return {
    id,
    kind: info.kind,
    driver: 'mcap',
    path,
    clock,
    offsetS: Number.isFinite(offsetS) ? offsetS : 0,
    ...(info.kind === 'camera' && info.role !== undefined ? { role: info.role } : {}),
    options: {},
  };
}

/** Plans and opens the session recorded in `file`; devices that fail to open are listed in `failed`. */
export async function openMcapSession(file: string): Promise<Session> {
  const plan = await planMcapSession(file);
  const entry = MCAP_DRIVERS[0];
  if (entry === undefined) throw new Error('the mcap driver entry is missing');
  const results = await Promise.all(
    plan.devices.map(async (config): Promise<SessionDevice | FailedDevice> => {
      const clock = config.clock ?? 'absolute';
      const window = deviceWindow(clock, plan.startNs, config.offsetS, plan.durationNs);
      try {
        const device = entry.create(config, { baseDir: plan.rootDir, window });
        await device.open();
        return { device, config, toSessionNs: sessionClock(clock, plan.startNs, config.offsetS) };
      } catch (err) {
        return { id: config.id, config, error: err instanceof Error ? err : new DeviceError(config.id, String(err)) };
      }
    }),
  );
  const devices = results.filter((r): r is SessionDevice => 'device' in r);
  return {
    name: plan.name,
    ...(plan.description === undefined ? {} : { description: plan.description }),
    rootDir: plan.rootDir,
    startNs: plan.startNs,
    ...(plan.durationNs === undefined ? {} : { durationNs: Number(plan.durationNs) }),
    devices,
    failed: results.filter((r): r is FailedDevice => 'error' in r),
    close: async () => {
      await Promise.all(devices.map((d) => d.device.close()));
    },
  };
}
