/**
 * `karana doctor [--json] [--udev [FILE]]`: list what is attached and which driver serves it, the system checks
 * (tools, addons, real-time priority, groups) with fixes; `--udev` writes the udev rules (`src/doctor/udev.ts`).
 * Exit code 1 when a check failed.
 */
import { formatDoctorReport, runDoctor } from '../doctor/index.js';
import { DEVICE_PROBES } from '../doctor/probes.js';
import { UDEV_RULES_PATH, writeUdevRules } from '../doctor/udev.js';

export interface DoctorOptions {
  readonly json: boolean;
  /** Write the udev rules here (true: the default path). */
  readonly udev?: string | boolean;
}

export async function doctorCommand(options: DoctorOptions): Promise<void> {
  if (options.udev !== undefined && options.udev !== false) {
    const path = typeof options.udev === 'string' ? options.udev : UDEV_RULES_PATH;
    await writeUdevRules(path);
    process.stdout.write(`wrote ${path}\nreload: sudo udevadm control --reload-rules && sudo udevadm trigger (then re-plug the devices)\n`);
    return;
  }
  const report = await runDoctor(DEVICE_PROBES);
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatDoctorReport(report));
  if (report.checks.some((c) => c.status === 'fail') || report.devices.some((d) => d.status === 'fail')) process.exitCode = 1;
}
