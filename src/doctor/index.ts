/**
 * `karana doctor`: what is attached, which driver serves it, and what stands in the way (permissions, missing
 * tools), with the fix. Probes only read (ID registers, enumeration, QUERYCAP); nothing is configured or written
 * to a device.
 */
import { systemChecks } from './system.js';
import type { DeviceProbe, DoctorReport, FoundDevice, SystemCheck } from './types.js';

export type { DeviceProbe, DoctorReport, FoundDevice, SystemCheck } from './types.js';

/** Runs the system checks and every probe (a probe that throws becomes a failed check naming it). */
export async function runDoctor(probes: readonly DeviceProbe[]): Promise<DoctorReport> {
  const checks: SystemCheck[] = await systemChecks();
  const devices: FoundDevice[] = [];
  for (const p of probes) {
    try {
      const r = await p.probe();
      devices.push(...r.devices);
      checks.push(...(r.checks ?? []));
    } catch (err) {
      checks.push({ name: p.name, status: 'fail', detail: `probe failed: ${err instanceof Error ? err.message : String(err)}` });
    }
  }
  return { platform: `${process.platform}-${process.arch}`, checks, devices };
}

const MARK = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' } as const;

/** The report as text for a terminal. */
export function formatDoctorReport(r: DoctorReport): string {
  const out: string[] = [`Kāraṇa Edge doctor (${r.platform})`, '', 'System'];
  for (const c of r.checks) {
    out.push(`  [${MARK[c.status]}] ${c.name}: ${c.detail}`);
    if (c.fix !== undefined && c.status !== 'ok') out.push(`         fix: ${c.fix}`);
  }
  out.push('', r.devices.length === 0 ? 'Devices: none found' : 'Devices');
  const w = Math.max(0, ...r.devices.map((d) => d.spec.length));
  for (const d of r.devices) {
    out.push(`  [${MARK[d.status]}] ${d.kind.padEnd(8)} ${d.spec.padEnd(w)}  ${d.name}${d.driver === undefined ? '' : `  → driver ${d.driver}`}`);
    if (d.problem !== undefined) out.push(`         ${d.problem}`);
    if (d.fix !== undefined && d.status !== 'ok') out.push(`         fix: ${d.fix}`);
  }
  return `${out.join('\n')}\n`;
}
