/** The end-of-run summary of `karana run`, as text (the same figures as the JSON report). */
import type { LatencyMs, RunReport } from '../runtime/report.js';

const ms = (l: LatencyMs | null): string => (l === null || l.count === 0 ? 'n/a' : `p50 ${l.p50Ms.toFixed(3)} ms, p99 ${l.p99Ms.toFixed(3)} ms, max ${l.maxMs.toFixed(3)} ms (${l.count})`);

export function formatSummary(r: RunReport): string {
  const out: string[] = [];
  out.push('', `── Kāraṇa Edge run: ${r.session.name} ──`);
  out.push(`clock: ${r.clock.mode}${r.clock.mode === 'real' ? ` ×${r.clock.speed}` : ''}, ${r.clock.tickHz} Hz ticks; replayed ${r.replayedS.toFixed(2)} s in ${r.wallS.toFixed(2)} s wall (${r.realTimeFactor.toFixed(2)}× real time)`);
  out.push('devices:');
  for (const [id, d] of Object.entries(r.devices)) {
    const skipped = d.skipped > 0 ? `, ${d.skipped} skipped` : '';
    out.push(`  ${id.padEnd(10)} ${d.kind.padEnd(8)} ${d.driver.padEnd(16)} ${String(d.samples).padStart(7)} samples${skipped}  [${d.state}${d.message === undefined ? '' : `: ${d.message}`}]`);
    for (const m of d.skipMessages) out.push(`             skipped: ${m}`);
    if (d.clock !== undefined) {
      const c = d.clock;
      out.push(`             clock: skew ${c.skewPpm.toFixed(2)} ppm, offset ${(c.offsetNs / 1e6).toFixed(3)} ms, mean residual ${(c.residualMeanNs / 1e3).toFixed(0)} µs (max ${(c.residualMaxNs / 1e3).toFixed(0)} µs)${c.stable ? '' : ', not yet stable'}`);
    }
  }
  const det = r.detections;
  if (det.model === null) {
    out.push('detections: none (no world camera or detection off)');
  } else {
    const classes = Object.entries(det.byClass).map(([k, v]) => `${k} ${v}`).join(', ') || 'nothing found';
    out.push(`detections (${det.model}): ${det.frames} frames, ${det.framesWithObjects} with objects, ${det.skippedFrames} frames skipped under load; ${classes}`);
    out.push(`  capture → detected: ${ms(det.captureToDetectionMs)}`);
    out.push(`  processing (letterbox + inference + decode): ${ms(det.processingMs)}`);
  }
  const o = r.orientation;
  const e = o.errorVsGroundTruth;
  out.push(`orientation (${o.filter}): ${o.poses} poses`);
  if (e !== null) {
    out.push(`  error vs ground truth after aligning heading (${e.headingOffsetDeg.toFixed(1)}°): RMS ${e.rmsDeg.toFixed(2)}°, max ${e.maxDeg.toFixed(2)}°; tilt RMS ${e.tiltRmsDeg.toFixed(2)}°, max ${e.tiltMaxDeg.toFixed(2)}° (${e.count} poses)`);
  } else if (o.note !== undefined) {
    out.push(`  ${o.note}`);
  }
  const v = r.vio;
  out.push(`6-DoF: ${v.summary}; ${v.poses} poses`);
  if (v.errorVsGroundTruth !== null) {
    const ve = v.errorVsGroundTruth;
    out.push(`  ATE vs ground truth ${ve.ateSe3RmseM.toFixed(3)} m (SE(3)), ${ve.atePosYawRmseM.toFixed(3)} m (4-DoF)${ve.rpe1sTransM === null ? '' : `; RPE 1 s ${ve.rpe1sTransM.toFixed(3)} m, ${(ve.rpe1sRotDeg ?? 0).toFixed(2)}°`}`);
  } else if (v.note !== undefined && v.poses > 0) {
    out.push(`  ${v.note}`);
  }
  out.push(`tick lateness: ${r.tick.latenessMs === null ? 'n/a (virtual clock)' : ms(r.tick.latenessMs)}; ${r.tick.ticks} ticks, ${r.tick.skippedTicks} skipped`);
  const overruns = r.tick.layers.filter((l) => l.overruns > 0).map((l) => `${l.name} ${l.overruns}`);
  out.push(`layers: ${r.tick.layers.map((l) => `${l.number} ${l.name} ${l.steps} steps`).join(', ')}${overruns.length > 0 ? `; budget overruns: ${overruns.join(', ')}` : ''}`);
  const drops = r.bus.topics.filter((t) => t.dropped > 0).map((t) => `${t.topic} ${t.dropped}`);
  const superseded = r.bus.topics.reduce((n, t) => n + t.superseded, 0);
  out.push(`bus: ${r.bus.topics.reduce((n, t) => n + t.published, 0)} events, ${r.bus.totalDropped} dropped${drops.length > 0 ? ` (${drops.join(', ')})` : ''}, ${superseded} superseded by newer values (keep-latest topics)`);
  out.push(`power profile: ${r.power.profile ?? 'n/a'} (${r.power.changes} changes; ${r.power.reason || 'no readings'})`);
  if (r.eventLog !== null) out.push(`event log: ${r.eventLog.path} (${r.eventLog.events} events)`);
  out.push('');
  return out.join('\n');
}
