/**
 * `karana eval ahrs <path> [--filter vqf|madgwick|mahony|eskf|all] [--json]`: orientation error of layer 5's attitude
 * filters on a recording with a reference — an EuRoC folder (IMU against `state_groundtruth_estimate0` or a DROID
 * TUM ground truth; 6D) or a BROAD trial CSV (6D and 9D, scored as BROAD's own scripts). Prints RMS / p95 / max in
 * degrees per filter and mode (docs/ahrs.md says what each metric is).
 */
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { evaluateAhrs, type AhrsEvaluation } from '../eval/ahrs/evaluate.js';
import { AHRS_FILTER_KINDS, parseAhrsFilterKind, type AhrsFilterKind } from '../layers/intelligence/ahrs/filters.js';

export interface EvalAhrsOptions {
  /** One filter or `all` (default `vqf`, the layer's default). */
  readonly filter?: AhrsFilterKind | 'all';
  readonly json?: boolean;
  /** Where the output goes (default stdout). */
  readonly out?: { write(s: string): unknown };
}

/** Runs the evaluation and prints it; resolves with the result. @throws Error naming the path when it cannot be read. */
export function runEvalAhrs(path: string, options: EvalAhrsOptions = {}): AhrsEvaluation {
  const filter = options.filter ?? 'vqf';
  const result = evaluateAhrs(resolve(path), filter === 'all' ? AHRS_FILTER_KINDS : [filter]);
  const out = options.out ?? process.stdout;
  out.write(options.json === true ? `${JSON.stringify(result, null, 2)}\n` : formatAhrsEvaluation(result));
  return result;
}

const f2 = (x: number): string => x.toFixed(2).padStart(7);

/** The human-readable table. */
export function formatAhrsEvaluation(e: AhrsEvaluation): string {
  const r = e.recording;
  const lines = [
    `karana eval ahrs: ${r.name} (${r.kind}, ${r.samples} samples at ${r.rateHz.toFixed(3)} Hz, ${r.durationS.toFixed(1)} s)`,
    `${'filter'.padEnd(9)} mode  ${'metric'.padEnd(12)}  RMS°     p95°    max°   (inclination RMS°, heading RMS°, scored samples)`,
  ];
  for (const x of e.results) {
    const s = x.score;
    lines.push(`${x.filter.padEnd(9)} ${x.mode}    ${s.metric.padEnd(12)}${f2(s.primary.rmsDeg)} ${f2(s.primary.p95Deg)} ${f2(s.primary.maxDeg)}   (${s.inclination.rmsDeg.toFixed(2)}, ${s.heading.rmsDeg.toFixed(2)}, ${s.primary.count})`);
  }
  return `${lines.join('\n')}\n`;
}

/** Registers `ahrs` under `karana eval`. */
export function registerEvalAhrs(evalCommand: Command): Command {
  return evalCommand
    .command('ahrs')
    .description('orientation error (RMS / p95 / max, degrees) of the AHRS filters on an EuRoC folder or a BROAD trial CSV')
    .argument('<path>', 'EuRoC folder (mav0/imu0 + ground truth) or BROAD trial .csv')
    .option('--filter <name>', `${AHRS_FILTER_KINDS.join('|')}|all`, (v: string) => {
      if (v === 'all') return v;
      try {
        return parseAhrsFilterKind(v);
      } catch (err) {
        throw new InvalidArgumentError((err as Error).message);
      }
    }, 'vqf')
    .option('--json', 'print the result as JSON')
    .action((path: string, opts: { filter: AhrsFilterKind | 'all'; json?: boolean }) => {
      runEvalAhrs(path, { filter: opts.filter, json: opts.json === true });
    });
}
