/**
 * What `karana top` knows: the newest `runtime.stats`, `device.state` per device and `power.state`, updated
 * message by message. Messages come from outside the process (a WebSocket), so each is checked (zod) before
 * it is used; a bad one leaves the view as it was and is reported in `error` (topic, field path, problem).
 */
import { z } from 'zod';
import type { DeviceStateEvent } from '../bus/topics.js';
import type { TopView } from './render.js';
import type { RuntimeStatsEvent } from './stats-types.js';
import { LAYER_NAMES, type LayerName } from '../tick/types.js';

/** The topics `karana top` subscribes to. */
export const TOP_TOPICS = ['runtime.stats', 'device.state', 'power.state'] as const;

const num = z.number();
const nnum = z.number().nullable();
const priority = z.enum(['critical', 'high', 'normal', 'low']);
const deviceState = z.enum(['open', 'disconnected', 'reconnecting', 'ended', 'failed']);

const statsSchema = z.object({
  tNs: num,
  windowS: num,
  session: z.object({ name: z.string(), durationS: nnum }).nullable(),
  clock: z.object({ mode: z.enum(['virtual', 'real']), speed: nnum, tickHz: num, ticks: num, skippedTicks: num, latenessP50Ms: nnum, latenessP99Ms: nnum }),
  // The wall-time figures are optional: the event-log form of `runtime.stats` (which a live view may send) leaves
  // them out; they are shown as `-`.
  layers: z.array(
    z.object({
      name: z.string(),
      number: num.optional(),
      rateHz: num,
      stepsPerS: num,
      budgetMs: num,
      stepP50Ms: num.optional(),
      stepP99Ms: num.optional(),
      budgetUsePct: num.optional(),
      overruns: num.optional(),
      overrunsInWindow: num.optional(),
      errors: num,
      missedSteps: num.optional(),
    }),
  ),
  bus: z.array(z.object({ topic: z.string(), priority, publishedPerS: num, published: num, delivered: num, dropped: num, superseded: num, latencyP99Ms: num })),
  devices: z.array(
    z.object({ deviceId: z.string(), kind: z.string(), driver: z.string(), state: deviceState, samplesPerS: num, samples: num, skipped: num, message: z.string().optional() }),
  ),
  power: z.object({
    profile: z.enum(['full', 'balanced', 'saver', 'critical']).nullable(),
    reason: z.string().nullable(),
    batteryPercent: nnum,
    voltageV: nnum,
    powerW: nnum,
    charging: z.boolean().nullable(),
    socTempC: nnum,
    socZone: z.string().nullable(),
  }),
  tracking: z.object({ state: z.enum(['initializing', 'tracking', 'lost']).nullable(), reason: z.string().nullable(), features: nnum, sinceNs: nnum }),
});

const deviceStateSchema = z.object({ deviceId: z.string(), kind: z.string(), tNs: num, state: deviceState, message: z.string().optional() });
const powerStateSchema = z.object({ deviceId: z.string(), tNs: num, batteryPercent: num.optional(), voltageV: num.optional(), powerW: num.optional(), charging: z.boolean().optional() });

/** An empty view attached to `source`. */
export function emptyView(source: string): TopView {
  return { stats: null, deviceStates: new Map(), power: null, source, error: null };
}

/**
 * The view after one message on `topic` (`payload`: the decoded JSON). Never throws: a payload that does not
 * match its topic's shape leaves the view as it was, with `error` naming the topic, the field and the problem.
 * Topics other than {@link TOP_TOPICS} are ignored.
 */
export function applyMessage(view: TopView, topic: string, payload: unknown): TopView {
  switch (topic) {
    case 'runtime.stats': {
      const r = parseStats(payload);
      return r.ok ? { ...view, stats: r.stats, error: null } : { ...view, error: r.error };
    }
    case 'device.state': {
      const r = deviceStateSchema.safeParse(payload);
      if (!r.success) return { ...view, error: problem(topic, r.error) };
      const states = new Map(view.deviceStates);
      states.set(r.data.deviceId, r.data as DeviceStateEvent);
      return { ...view, deviceStates: states };
    }
    case 'power.state': {
      const r = powerStateSchema.safeParse(payload);
      return r.success ? { ...view, power: r.data } : { ...view, error: problem(topic, r.error) };
    }
    default:
      return view;
  }
}

/** The stats payload checked, or an error naming the field (for `--json`, which prints only valid snapshots). */
export function parseStats(payload: unknown): { ok: true; stats: RuntimeStatsEvent } | { ok: false; error: string } {
  const r = statsSchema.safeParse(payload);
  if (!r.success) return { ok: false, error: problem('runtime.stats', r.error) };
  // Figures left out (the log form) become NaN, which the frame shows as `-`.
  const layers = r.data.layers.map((l) => ({
    ...l,
    number: l.number ?? (LAYER_NAMES.indexOf(l.name as LayerName) + 1 || Number.NaN),
    stepP50Ms: l.stepP50Ms ?? Number.NaN,
    stepP99Ms: l.stepP99Ms ?? Number.NaN,
    budgetUsePct: l.budgetUsePct ?? Number.NaN,
    overruns: l.overruns ?? Number.NaN,
    overrunsInWindow: l.overrunsInWindow ?? 0,
    missedSteps: l.missedSteps ?? Number.NaN,
  }));
  return { ok: true, stats: { ...r.data, layers } as RuntimeStatsEvent };
}

function problem(topic: string, error: z.ZodError): string {
  const issue = error.issues[0];
  const path = issue === undefined || issue.path.length === 0 ? '(payload)' : issue.path.map(String).join('.');
  return `bad ${topic} message: ${path}: ${issue?.message ?? 'invalid'}`;
}
