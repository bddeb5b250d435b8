/**
 * `session.toml`: the session manifest (TOML v1.0, parsed with smol-toml, validated with zod). Format and
 * example: `docs/sessions.md`. Every problem found is reported at once in a {@link SessionError} naming the file
 * and the field path (`session.toml: devices[2].driver: unknown driver "v4l3" (known: …)`).
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse, TomlError } from 'smol-toml';
import { z } from 'zod';
import { DRIVERS, GROUNDTRUTH_DRIVERS, clockOf, findDriver, findGroundTruthDriver, unknownDriverMessage } from '../drivers.js';
import type { DeviceConfig, GroundTruthConfig } from '../drivers.js';
import { FaultsSchema } from '../faults/schema.js';
import { describeFsError } from '../mock/files.js';
import type { DeviceKind } from '../types.js';
import { SessionError } from './types.js';
import type { SessionIssue, SessionPlan } from './types.js';

const KINDS = ['camera', 'imu', 'audio', 'thermal', 'power'] as const satisfies readonly DeviceKind[];
const BASE_FIELDS = new Set(['id', 'kind', 'driver', 'path', 'role', 'clock', 'offsetS', 'faults', 'timeSync']);

const Top = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  startNs: z
    .union([z.string().regex(/^\d{1,30}$/, 'expected a decimal integer count of ns'), z.bigint().nonnegative(), z.number().int().nonnegative()])
    .optional(),
  durationS: z.number().positive().optional(),
  devices: z.array(z.record(z.string(), z.unknown())).default([]),
  groundtruth: z.record(z.string(), z.unknown()).optional(),
});

const Base = {
  id: z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]*$/, 'expected a name of letters, digits, "_", "." or "-", starting with a letter'),
  kind: z.enum(KINDS),
  driver: z.string(),
  path: z.string().min(1),
  role: z.enum(['tracking', 'world']).optional(),
  clock: z.enum(['absolute', 'relative']).optional(),
  offsetS: z.number().refine(Number.isFinite, 'must be finite').default(0),
  faults: FaultsSchema.optional(),
  timeSync: z
    .strictObject({
      latencyS: z.number().min(0).max(10).optional(),
      method: z.enum(['ticsync', 'pll', 'leastSquares']).optional(),
      windowS: z.number().min(1).max(3600).optional(),
    })
    .optional(),
};

const GroundTruthBase = {
  driver: z.string(),
  path: z.string().min(1),
  offsetS: z.number().refine(Number.isFinite, 'must be finite').default(0),
};

/** Reads and validates the manifest at `file`; throws {@link SessionError}. */
export async function readManifest(file: string): Promise<SessionPlan> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new SessionError(file, [{ path: '', message: `cannot read the manifest: ${describeFsError(err)}` }]);
  }
  return parseManifest(text, file);
}

/** Parses and validates manifest `text`; `file` names it in errors and anchors relative paths. */
export function parseManifest(text: string, file: string): SessionPlan {
  let doc: unknown;
  try {
    doc = parse(text, { integersAsBigInt: 'asNeeded' });
  } catch (err) {
    if (!(err instanceof TomlError)) throw err;
    const message = `invalid TOML: ${err.message.split('\n')[0]?.replace(/^Invalid TOML document: /, '') ?? ''}`;
    throw new SessionError(file, [{ path: '', message, line: err.line, column: err.column }]);
  }
  const top = Top.safeParse(doc);
  if (!top.success) throw new SessionError(file, toIssues(top.error.issues, doc));
  const issues: SessionIssue[] = [];
  const devices = top.data.devices.flatMap((raw, i) => device(raw, i, issues));
  const groundTruth = top.data.groundtruth === undefined ? undefined : groundTruthSection(top.data.groundtruth, issues);
  checkIds(devices, issues);
  const startNs = top.data.startNs === undefined ? undefined : BigInt(top.data.startNs);
  if (startNs === undefined) requireStart(devices, groundTruth, issues);
  if (issues.length > 0) throw new SessionError(file, issues);
  return {
    name: top.data.name,
    ...(top.data.description === undefined ? {} : { description: top.data.description }),
    rootDir: dirname(resolve(file)),
    manifestPath: resolve(file),
    startNs: startNs ?? 0n,
    ...(top.data.durationS === undefined ? {} : { durationNs: BigInt(Math.round(top.data.durationS * 1e9)) }),
    devices,
    ...(groundTruth === undefined ? {} : { groundTruth }),
  };
}

/** Validates `devices[i]` against the base fields and its driver's options for its kind. */
function device(raw: Record<string, unknown>, i: number, issues: SessionIssue[]): DeviceConfig[] {
  const at = `devices[${i}]`;
  const entry = typeof raw.driver === 'string' ? findDriver(raw.driver) : undefined;
  if (typeof raw.driver === 'string' && entry === undefined) {
    issues.push({ path: `${at}.driver`, message: unknownDriverMessage(raw.driver, DRIVERS) });
    return [];
  }
  const kind = KINDS.find((k) => k === raw.kind);
  const options = kind === undefined ? undefined : entry?.options[kind];
  if (entry !== undefined && kind !== undefined && options === undefined) {
    const served = Object.keys(entry.options).join(', ');
    issues.push({ path: `${at}.kind`, message: `driver "${entry.name}" serves ${served} devices, not ${JSON.stringify(kind)}` });
    return [];
  }
  const schema = options === undefined ? z.looseObject(Base) : z.strictObject({ ...Base, ...options.shape });
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    issues.push(...toIssues(parsed.error.issues, raw, ['devices', i]));
    return [];
  }
  const { id, driver, path, role, clock, offsetS, faults, timeSync } = parsed.data;
  if (role !== undefined && parsed.data.kind !== 'camera') {
    issues.push({ path: `${at}.role`, message: 'only cameras have a role' });
    return [];
  }
  const driverOptions = Object.fromEntries(Object.entries(parsed.data).filter(([k]) => !BASE_FIELDS.has(k)));
  const optional = { ...(role === undefined ? {} : { role }), ...(clock === undefined ? {} : { clock }), ...(faults === undefined ? {} : { faults }), ...(timeSync === undefined ? {} : { timeSync }) };
  return [{ id, kind: parsed.data.kind, driver, path, ...optional, offsetS, options: driverOptions }];
}

function groundTruthSection(raw: Record<string, unknown>, issues: SessionIssue[]): GroundTruthConfig | undefined {
  const entry = typeof raw.driver === 'string' ? findGroundTruthDriver(raw.driver) : undefined;
  if (typeof raw.driver === 'string' && entry === undefined) {
    issues.push({ path: 'groundtruth.driver', message: unknownDriverMessage(raw.driver, GROUNDTRUTH_DRIVERS) });
    return undefined;
  }
  const schema = z.strictObject({ ...GroundTruthBase, ...(entry?.options.shape ?? {}) });
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    issues.push(...toIssues(parsed.error.issues, raw, ['groundtruth']));
    return undefined;
  }
  const { driver, path, offsetS, ...options } = parsed.data;
  return { driver, path, offsetS, options };
}

function checkIds(devices: readonly DeviceConfig[], issues: SessionIssue[]): void {
  devices.forEach((d, i) => {
    const first = devices.findIndex((other) => other.id === d.id);
    if (first !== i) issues.push({ path: `devices[${i}].id`, message: `duplicate id ${JSON.stringify(d.id)} (devices[${first}] has it)` });
  });
}

function requireStart(devices: readonly DeviceConfig[], groundTruth: GroundTruthConfig | undefined, issues: SessionIssue[]): void {
  const absolute = devices.find((d) => clockOf(d) === 'absolute');
  const gtAbsolute = groundTruth !== undefined && findGroundTruthDriver(groundTruth.driver)?.clock === 'absolute';
  if (absolute === undefined && !gtAbsolute) return;
  const who = absolute === undefined ? `the ground truth (${groundTruth?.driver ?? ''})` : `device "${absolute.id}" (${absolute.driver})`;
  issues.push({ path: 'startNs', message: `required: ${who} has absolute timestamps; give the session start on that clock, in ns` });
}

/**
 * zod issues of validating `input` as manifest issues, with paths like `devices[2].values.tempC.column`
 * (`prefix` locates `input` in the manifest).
 */
function toIssues(zodIssues: readonly z.core.$ZodIssue[], input: unknown, prefix: readonly PropertyKey[] = []): SessionIssue[] {
  return zodIssues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: fieldPath([...path, key]), message: 'unknown field' }));
    }
    if (valueAt(input, issue.path) === undefined) return [{ path: fieldPath(path), message: 'required' }];
    return [{ path: fieldPath(path), message: issue.message }];
  });
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** `['devices', 2, 'driver']` → `devices[2].driver`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out === '' ? String(key) : `${out}.${String(key)}`), '');
}
