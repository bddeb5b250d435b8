/**
 * A session: the devices of one recording (or one rig) opened together, their clocks mapped to one session
 * clock, the optional ground truth, and the time span. Built by `loadSession` from a `session.toml` manifest
 * or from a plain EuRoC/ASL folder (see `docs/sessions.md`).
 *
 * Session time: ns since the session start, a JS number (exact to 104 days). Each device maps its own clock
 * to it with `toSessionNs`: `deviceTimeNs − startNs + offsetS·1e9` for absolute-stamped recordings (EuRoC UNIX
 * ns), `deviceTimeNs + offsetS·1e9` for relative ones (WAV, video, traces).
 */
import type { DeviceConfig, GroundTruthConfig } from '../drivers.js';
import type { GroundTruth } from '../mock/euroc-groundtruth.js';
import type { AnyDevice } from '../types.js';

/** Maps a device-clock stamp to session time, ns since the session start (negative before it). */
export type ToSessionNs = (deviceTimeNs: bigint) => number;

/** What a session is made of, before anything is opened (a parsed manifest or an automatic EuRoC plan). */
export interface SessionPlan {
  readonly name: string;
  readonly description?: string;
  /** Folder that relative paths start from (the manifest's folder, or the EuRoC folder). */
  readonly rootDir: string;
  /** The manifest read, absent for automatic sessions. */
  readonly manifestPath?: string;
  /** Session start on the absolute device clock (UNIX ns for EuRoC); 0 when no device is absolute. */
  readonly startNs: bigint;
  /** Session length, ns; absent = until the recordings end. */
  readonly durationNs?: bigint;
  readonly devices: readonly DeviceConfig[];
  readonly groundTruth?: GroundTruthConfig;
}

/** An opened device of a session. */
export interface SessionDevice {
  /** Opened; read it until `null`. */
  readonly device: AnyDevice;
  readonly config: DeviceConfig;
  readonly toSessionNs: ToSessionNs;
}

/** A device that could not be created or opened; the session goes on without it. */
export interface FailedDevice {
  readonly id: string;
  readonly config: DeviceConfig;
  /** Usually a `DeviceError` naming the device and the path. */
  readonly error: Error;
}

export interface SessionGroundTruth {
  readonly config: GroundTruthConfig;
  /** Reads the poses (inside the session span when it has a duration); `DeviceError` if the file is unusable. */
  load(): Promise<GroundTruth>;
  readonly toSessionNs: ToSessionNs;
}

export interface Session {
  readonly name: string;
  readonly description?: string;
  readonly rootDir: string;
  readonly manifestPath?: string;
  /** Session start on the absolute device clock, ns (0 when no device is absolute). */
  readonly startNs: bigint;
  /** Session length, ns; absent = until the recordings end. */
  readonly durationNs?: number;
  /** Opened devices, in manifest order. */
  readonly devices: readonly SessionDevice[];
  /** Devices that failed to open, in manifest order. */
  readonly failed: readonly FailedDevice[];
  readonly groundTruth?: SessionGroundTruth;
  /** Closes every device. */
  close(): Promise<void>;
}

/** One problem in a manifest: where (a field path like `devices[2].driver`, or a line) and what. */
export interface SessionIssue {
  /** `devices[2].driver`, `startNs`, or '' for the whole file. */
  readonly path: string;
  readonly message: string;
  /** 1-based line and column, for syntax errors. */
  readonly line?: number;
  readonly column?: number;
}

/**
 * A session cannot be loaded: the manifest is missing, is not TOML, or has bad fields. The message has one
 * line per issue: `session.toml: devices[2].driver: unknown driver "v4l3" (known: …)`.
 */
export class SessionError extends Error {
  override readonly name = 'SessionError';
  constructor(
    /** The manifest (or folder) as the caller named it. */
    readonly file: string,
    readonly issues: readonly SessionIssue[],
  ) {
    super(issues.map((issue) => formatIssue(file, issue)).join('\n'));
  }
}

function formatIssue(file: string, issue: SessionIssue): string {
  const at = issue.line === undefined ? file : `${file}:${issue.line}${issue.column === undefined ? '' : `:${issue.column}`}`;
  return issue.path === '' ? `${at}: ${issue.message}` : `${at}: ${issue.path}: ${issue.message}`;
}
