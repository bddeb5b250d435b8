/**
 * `karana top`'s frame as text: a pure function of the newest `runtime.stats` (and the device and power events
 * newer than it) → lines of a fixed-width table. Colours are ANSI SGR through Node's `util.styleText` (no
 * dependency), only when asked for; without colour the text is plain ASCII-width characters.
 *
 * Layout (top to bottom): a header (session, clock, progress, ticks, lateness), a power/thermal/tracking line,
 * the layers (rate, steps/s, budget, step p50/p99, budget use, overruns), the devices (state, samples/s,
 * skipped), the bus topics that carry traffic, busiest first (published/s, totals, drops, p99 latency).
 */
import { styleText } from 'node:util';
import type { DeviceStateEvent, PowerStateEvent } from '../bus/topics.js';
import type { RuntimeStatsEvent } from './stats-types.js';

export interface TopView {
  /** Newest snapshot, null before the first arrives. */
  readonly stats: RuntimeStatsEvent | null;
  /** Newest `device.state` per device (they override the snapshot's state when newer). */
  readonly deviceStates: ReadonlyMap<string, DeviceStateEvent>;
  /** Newest `power.state` (overrides the snapshot's battery figures when newer). */
  readonly power: PowerStateEvent | null;
  /** Where the view is attached (shown in the header). */
  readonly source: string;
  /** The latest problem with what came in (a bad message), shown at the bottom. */
  readonly error: string | null;
}

export interface RenderOptions {
  readonly color: boolean;
  /** Terminal rows: bus topics are cut to fit (default: all). */
  readonly rows?: number;
}

type Style = Parameters<typeof styleText>[0];

/** The frame for `view`, one string per line (no trailing newlines). */
export function renderTop(view: TopView, options: RenderOptions): string[] {
  const paint = (style: Style, text: string): string => (options.color ? styleText(style, text, { validateStream: false }) : text);
  const s = view.stats;
  if (s === null) return [`karana top — ${view.source}`, 'waiting for runtime.stats …', ...(view.error === null ? [] : [paint('red', view.error)])];
  const lines = [headerLine(s, view.source), statusLine(s, view, paint), ''];
  lines.push(paint('bold', row(LAYER_COLUMNS, ['LAYER', 'RATE Hz', 'STEPS/s', 'BUDGET ms', 'P50 ms', 'P99 ms', 'BUDGET%', 'OVERRUNS', 'ERRORS'])));
  for (const l of s.layers) {
    const use = Number.isFinite(l.budgetUsePct) ? `${l.budgetUsePct.toFixed(0)}%` : '-';
    const cells = [`${Number.isFinite(l.number) ? l.number : '?'} ${l.name}`, num(l.rateHz, 0), num(l.stepsPerS, 1), num(l.budgetMs, 2), num(l.stepP50Ms, 3), num(l.stepP99Ms, 3), use, `${num(l.overruns, 0)}${l.overrunsInWindow > 0 ? ` +${l.overrunsInWindow}` : ''}`, String(l.errors)];
    const line = row(LAYER_COLUMNS, cells);
    lines.push(l.budgetUsePct > 100 || l.errors > 0 ? paint('red', line) : l.budgetUsePct > 50 ? paint('yellow', line) : line);
  }
  lines.push('', paint('bold', row(DEVICE_COLUMNS, ['DEVICE', 'KIND', 'STATE', 'SAMPLES/s', 'SAMPLES', 'SKIPPED', 'MESSAGE'])));
  for (const d of s.devices) {
    const event = view.deviceStates.get(d.deviceId);
    const newer = event !== undefined && event.tNs > s.tNs;
    const state = newer ? event.state : d.state;
    const message = (newer ? event.message : d.message) ?? '';
    const line = row(DEVICE_COLUMNS, [d.deviceId, d.kind, state, num(d.samplesPerS, 1), String(d.samples), String(d.skipped), message]);
    lines.push(state === 'open' ? (d.skipped > 0 ? paint('yellow', line) : line) : state === 'ended' ? paint('dim', line) : paint('red', line));
  }
  const topics = s.bus.filter((t) => t.published > 0).sort((a, b) => b.publishedPerS - a.publishedPerS || a.topic.localeCompare(b.topic));
  const room = options.rows === undefined ? topics.length : Math.max(1, options.rows - lines.length - 3 - (view.error === null ? 0 : 1));
  lines.push('', paint('bold', row(TOPIC_COLUMNS, ['TOPIC', 'PRIO', 'PUB/s', 'PUBLISHED', 'DELIVERED', 'DROPPED', 'SUPERSEDED', 'P99 ms'])));
  for (const t of topics.slice(0, room)) {
    const line = row(TOPIC_COLUMNS, [t.topic, t.priority, num(t.publishedPerS, 1), String(t.published), String(t.delivered), String(t.dropped), String(t.superseded), num(t.latencyP99Ms, 2)]);
    lines.push(t.dropped > 0 ? paint('red', line) : line);
  }
  if (topics.length > room) lines.push(paint('dim', `… ${topics.length - room} more topics (a taller terminal shows them)`));
  if (view.error !== null) lines.push(paint('red', view.error));
  return lines;
}

interface Column {
  readonly width: number;
  readonly align: 'left' | 'right';
}

const L = (width: number): Column => ({ width, align: 'left' });
const R = (width: number): Column => ({ width, align: 'right' });
const LAYER_COLUMNS = [L(16), R(8), R(9), R(10), R(8), R(8), R(8), R(10), R(7)];
const DEVICE_COLUMNS = [L(12), L(8), L(13), R(10), R(9), R(8), L(30)];
const TOPIC_COLUMNS = [L(22), L(9), R(9), R(10), R(10), R(8), R(11), R(8)];

/** Cells padded (or cut with `…`) to their columns, separated by one space; trailing spaces trimmed. */
function row(columns: readonly Column[], cells: readonly string[]): string {
  return columns
    .map((c, i) => {
      const cell = cells[i] ?? '';
      const fitted = cell.length > c.width ? `${cell.slice(0, c.width - 1)}…` : cell;
      return c.align === 'left' ? fitted.padEnd(c.width) : fitted.padStart(c.width);
    })
    .join(' ')
    .trimEnd();
}

function num(v: number | null, digits: number): string {
  return v === null || !Number.isFinite(v) ? '-' : v.toFixed(digits);
}

function headerLine(s: RuntimeStatsEvent, source: string): string {
  const t = s.tNs / 1e9;
  const total = s.session?.durationS ?? null;
  const progress = total === null || total <= 0 ? `t ${t.toFixed(2)} s` : `t ${t.toFixed(2)}/${total.toFixed(2)} s ${bar(t / total, 20)}`;
  const clock = s.clock.mode === 'virtual' ? 'virtual clock' : `real clock${s.clock.speed === null ? '' : ` x${s.clock.speed}`}`;
  const late = s.clock.latenessP50Ms === null ? '' : ` | tick late p50 ${num(s.clock.latenessP50Ms, 3)} p99 ${num(s.clock.latenessP99Ms, 3)} ms`;
  const skipped = s.clock.skippedTicks > 0 ? `, ${s.clock.skippedTicks} skipped` : '';
  return `karana top — ${s.session?.name ?? 'session'} @ ${source} | ${clock} | ${progress} | ${s.clock.ticks} ticks at ${s.clock.tickHz} Hz${skipped}${late}`;
}

function statusLine(s: RuntimeStatsEvent, view: TopView, paint: (style: Style, text: string) => string): string {
  const p = s.power;
  const newer = view.power !== null && view.power.tNs > s.tNs ? view.power : null;
  const percent = newer?.batteryPercent ?? p.batteryPercent;
  const volts = newer?.voltageV ?? p.voltageV;
  const watts = newer?.powerW ?? p.powerW;
  const charging = newer?.charging ?? p.charging;
  const profileText = `profile ${p.profile ?? '-'}${p.reason === null ? '' : ` (${p.reason})`}`;
  const profile = p.profile === 'critical' ? paint('red', profileText) : p.profile === 'saver' ? paint('yellow', profileText) : profileText;
  const batteryText = `battery ${percent === null ? '-' : `${percent.toFixed(0)} %`}${volts === null ? '' : ` ${volts.toFixed(2)} V`}${watts === null ? '' : ` ${watts.toFixed(2)} W`}${charging === true ? ' charging' : ''}`;
  const battery = percent !== null && percent < 15 ? paint('red', batteryText) : batteryText;
  const soc = p.socTempC === null ? 'SoC -' : `SoC ${p.socTempC.toFixed(1)} °C (${p.socZone ?? '?'})`;
  const tr = s.tracking;
  const trackingText = tr.state === null ? 'VIO -' : `VIO ${tr.state}${tr.features === null ? '' : ` (${tr.features} features)`}${tr.reason === null ? '' : `: ${tr.reason}`}`;
  const tracking = tr.state === 'lost' ? paint('red', trackingText) : tr.state === 'tracking' ? paint('green', trackingText) : trackingText;
  return [profile, battery, soc, tracking].join(' | ');
}

/** `[#####.....] 50%` for a fraction in [0, 1]. */
export function bar(fraction: number, width: number): string {
  const f = Number.isFinite(fraction) ? Math.max(0, Math.min(1, fraction)) : 0;
  const n = Math.round(f * width);
  return `[${'#'.repeat(n)}${'.'.repeat(width - n)}] ${(f * 100).toFixed(0)}%`;
}
