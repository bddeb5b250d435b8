/**
 * Loads a session: `loadSession(path)` accepts a `session.toml`, a folder holding one, or a plain EuRoC/ASL
 * folder (holding `mav0/`, see `euroc-auto.ts`). Devices are created from the driver table and opened
 * together; one that fails to open does not fail the session: it is listed in `failed` with its error.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { GROUNDTRUTH_DRIVERS, clockOf, findDriver, findGroundTruthDriver, unknownDriverMessage } from '../drivers.js';
import type { DeviceConfig } from '../drivers.js';
import { describeFsError, exists } from '../mock/files.js';
import { wrapDevice } from '../faults/index.js';
import { planMcapSession } from '../mcap/session.js';
import { DeviceError } from '../types.js';
import { deviceWindow, sessionClock } from './clock.js';
import { isEurocFolder, planEurocFolder } from './euroc-auto.js';
import { readManifest } from './manifest.js';
import { SessionError } from './types.js';
import type { FailedDevice, Session, SessionDevice, SessionGroundTruth, SessionPlan } from './types.js';

/** Name of the manifest file looked for in a session folder. */
export const MANIFEST_NAME = 'session.toml';

/**
 * Loads and opens the session at `path` (a manifest file, a folder with `session.toml`, or an EuRoC folder).
 * Throws {@link SessionError} when the path is none of these or the manifest is invalid; device failures
 * are reported in `Session.failed` instead.
 */
export async function loadSession(path: string): Promise<Session> {
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch (err) {
    throw new SessionError(path, [{ path: '', message: `cannot open the session: ${describeFsError(err)}` }]);
  }
  if (!isDir && path.toLowerCase().endsWith('.mcap')) return openSession(await planMcapSession(path));
  if (!isDir) return openSession(await readManifest(path));
  const manifest = join(path, MANIFEST_NAME);
  if (await exists(manifest)) return openSession(await readManifest(manifest));
  if (await isEurocFolder(path)) return openSession(await planEurocFolder(path));
  throw new SessionError(path, [
    { path: '', message: `not a session: expected a ${MANIFEST_NAME} file, a folder holding one, or an EuRoC/ASL folder holding mav0/` },
  ]);
}

/** Creates and opens the devices of `plan` (in parallel); never throws for a device. */
export async function openSession(plan: SessionPlan): Promise<Session> {
  const results = await Promise.all(plan.devices.map((config) => openDevice(plan, config)));
  const devices = results.filter((r): r is SessionDevice => 'device' in r);
  const failed = results.filter((r): r is FailedDevice => 'error' in r);
  const groundTruth = groundTruthOf(plan);
  return {
    name: plan.name,
    ...(plan.description === undefined ? {} : { description: plan.description }),
    rootDir: plan.rootDir,
    ...(plan.manifestPath === undefined ? {} : { manifestPath: plan.manifestPath }),
    startNs: plan.startNs,
    ...(plan.durationNs === undefined ? {} : { durationNs: Number(plan.durationNs) }),
    devices,
    failed,
    ...(groundTruth === undefined ? {} : { groundTruth }),
    close: async () => {
      await Promise.all(devices.map((d) => d.device.close()));
    },
  };
}

async function openDevice(plan: SessionPlan, config: DeviceConfig): Promise<SessionDevice | FailedDevice> {
  const entry = findDriver(config.driver);
  if (entry === undefined) return { id: config.id, config, error: new DeviceError(config.id, unknownDriverMessage(config.driver)) };
  const clock = clockOf(config);
  const window = entry.windowed ? deviceWindow(clock, plan.startNs, config.offsetS, plan.durationNs) : undefined;
  try {
    const device = wrapDevice(entry.create(config, { baseDir: plan.rootDir, ...(window === undefined ? {} : { window }) }), config.faults);
    await device.open();
    return { device, config, toSessionNs: sessionClock(clock, plan.startNs, config.offsetS) };
  } catch (err) {
    const error = err instanceof Error ? err : new DeviceError(config.id, String(err));
    return { id: config.id, config, error };
  }
}

function groundTruthOf(plan: SessionPlan): SessionGroundTruth | undefined {
  const config = plan.groundTruth;
  if (config === undefined) return undefined;
  const entry = findGroundTruthDriver(config.driver);
  if (entry === undefined) {
    const message = unknownDriverMessage(config.driver, GROUNDTRUTH_DRIVERS);
    throw new SessionError(plan.manifestPath ?? plan.rootDir, [{ path: 'groundtruth.driver', message }]);
  }
  const window = deviceWindow(entry.clock, plan.startNs, config.offsetS, plan.durationNs);
  return {
    config,
    load: () => entry.load(config, { baseDir: plan.rootDir, window }),
    toSessionNs: sessionClock(entry.clock, plan.startNs, config.offsetS),
  };
}
