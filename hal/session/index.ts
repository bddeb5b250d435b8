/**
 * Sessions: load a `session.toml` manifest or a plain EuRoC/ASL folder into opened devices with their clocks
 * mapped to session time (see `docs/sessions.md`).
 */
export { loadSession, openSession, MANIFEST_NAME } from './load.js';
export { parseManifest, readManifest } from './manifest.js';
export { planEurocFolder, isEurocFolder } from './euroc-auto.js';
export { sessionClock, deviceWindow } from './clock.js';
export { SessionError } from './types.js';
export type { FailedDevice, Session, SessionDevice, SessionGroundTruth, SessionIssue, SessionPlan, ToSessionNs } from './types.js';
