/**
 * State changes on the bus → `foxglove.Log` lines (Foxglove's Log panel), one per event:
 *
 * | bus topic               | name               | level                                             |
 * |-------------------------|--------------------|---------------------------------------------------|
 * | `device.state`          | `device/<id>`      | open, ended INFO; disconnected, reconnecting WARNING; failed ERROR |
 * | `device.sample_skipped` | `device/<id>`      | WARNING                                           |
 * | `tracking.state`        | `vio`              | lost WARNING, else INFO                           |
 * | `anchor.result`         | `anchors`          | created/removed INFO, rejected WARNING            |
 * | `resources.changed`     | `resources`        | critical WARNING, else INFO                       |
 *
 * `file` is the module that publishes the topic and `line` 0 (the bus does not carry source lines).
 * Source: Foxglove schema `Log` (docs.foxglove.dev/docs/sdk/schemas/log), levels DEBUG 1 … FATAL 5.
 */
import type { AnyEnvelope } from '../bus/bus.js';
import type { TopicName } from '../bus/topics.js';
import { jsonBytes, runtimeTime } from './schemas.js';

/** foxglove.LogLevel. */
export const LOG_LEVEL = Object.freeze({ DEBUG: 1, INFO: 2, WARNING: 3, ERROR: 4, FATAL: 5 });

/** The bus topics written as log lines. */
export const LOG_TOPICS: readonly TopicName[] = Object.freeze(['device.state', 'device.sample_skipped', 'tracking.state', 'anchor.result', 'resources.changed']);

interface Line {
  readonly tNs: number;
  readonly level: number;
  readonly name: string;
  readonly message: string;
  readonly file: string;
}

const fixed = (v: readonly number[]): string => `[${v.map((x) => x.toFixed(3)).join(', ')}]`;

/** The log line of an event, or null for a topic that is not logged. */
export function logLine(e: AnyEnvelope): Line | null {
  switch (e.topic) {
    case 'device.state': {
      const p = e.payload;
      const level = p.state === 'failed' ? LOG_LEVEL.ERROR : p.state === 'disconnected' || p.state === 'reconnecting' ? LOG_LEVEL.WARNING : LOG_LEVEL.INFO;
      return { tNs: p.tNs, level, name: `device/${p.deviceId}`, message: `${p.kind} ${p.deviceId}: ${p.state}${p.message === undefined ? '' : ` (${p.message})`}`, file: 'src/layers/hardware/ingest.ts' };
    }
    case 'device.sample_skipped': {
      const p = e.payload;
      return { tNs: p.tNs, level: LOG_LEVEL.WARNING, name: `device/${p.deviceId}`, message: `sample skipped: ${p.message}`, file: 'src/layers/hardware/ingest.ts' };
    }
    case 'tracking.state': {
      const p = e.payload;
      const extra = [p.reason, p.features === undefined ? undefined : `${p.features} features`].filter((s) => s !== undefined);
      return { tNs: p.tNs, level: p.state === 'lost' ? LOG_LEVEL.WARNING : LOG_LEVEL.INFO, name: p.source, message: `tracking ${p.state}${extra.length > 0 ? ` (${extra.join(', ')})` : ''}`, file: 'src/layers/intelligence/vio' };
    }
    case 'anchor.result': {
      const p = e.payload;
      const message = p.ok ? `anchor ${p.requestId}: ${p.kind} ${p.anchorId} at ${fixed(p.p_world_m)} m` : `anchor ${p.requestId}: ${p.kind} rejected: ${p.reason}`;
      return { tNs: p.tNs, level: p.ok ? LOG_LEVEL.INFO : LOG_LEVEL.WARNING, name: 'anchors', message, file: 'src/layers/intelligence/anchors' };
    }
    case 'resources.changed': {
      const p = e.payload;
      const figures = [p.tempC === undefined ? undefined : `${p.tempC.toFixed(1)} °C`, p.batteryPercent === undefined ? undefined : `battery ${p.batteryPercent.toFixed(0)} %`].filter((s) => s !== undefined);
      return {
        tNs: p.tNs,
        level: p.profile === 'critical' ? LOG_LEVEL.WARNING : LOG_LEVEL.INFO,
        name: 'resources',
        message: `power profile ${p.previous ?? 'none'} → ${p.profile}: ${p.reason}${figures.length > 0 ? ` (${figures.join(', ')})` : ''}`,
        file: 'src/layers/services',
      };
    }
    default:
      return null;
  }
}

/** The `foxglove.Log` payload of an event, or null for a topic that is not logged. */
export function logMessage(e: AnyEnvelope): Uint8Array | null {
  const l = logLine(e);
  return l === null ? null : jsonBytes({ timestamp: runtimeTime(l.tNs), level: l.level, message: l.message, name: l.name, file: l.file, line: 0 });
}
