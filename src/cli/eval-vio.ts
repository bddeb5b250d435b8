/**
 * `karana eval vio --session DIR [--json] [--max-frames N]`: runs the native VIO over an EuRoC/ASL session
 * as fast as possible and scores it against `state_groundtruth_estimate0` (ATE after SE(3) and 4-DoF
 * alignment, RPE over 1 s and 5 s, CPU time per frame, real-time factor). See `docs/vio.md`.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { runVioOnEuroc } from '../eval/vio/euroc-run.js';
import { evaluateRun, formatReport, type VioEvalReport } from '../eval/vio/report.js';
import { ProgressLine } from '../record/progress.js';

export interface EvalVioOptions {
  readonly session: string;
  readonly json: boolean;
  readonly maxFrames: number;
}

/** Runs and scores; prints text or one JSON object; returns the report. */
export async function evalVioCommand(options: EvalVioOptions): Promise<VioEvalReport> {
  // A bar on a terminal (nothing in a pipe or with --json): the frames go by at ≈ 10× real time on one core.
  let bar: ProgressLine | null = null;
  const onProgress = (done: number, total: number): void => {
    bar ??= new ProgressLine(process.stderr, { label: 'karana eval vio', total, unit: 'frames' });
    bar.update(done);
  };
  const run = await runVioOnEuroc(options.session, { maxFrames: options.maxFrames, ...(options.json ? {} : { onProgress }) }).finally(() => bar?.finish());
  const report = evaluateRun(run);
  process.stdout.write(options.json ? `${JSON.stringify(report)}\n` : `${formatReport(report)}\n`);
  return report;
}

function nonNegativeInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`"--max-frames" must be a non-negative integer, got ${v}`);
  return n;
}

/** Adds `vio` under the `karana eval` command. */
export function registerEvalVio(evalCommand: Command): Command {
  return evalCommand
    .command('vio')
    .description('visual-inertial odometry on an EuRoC session, scored against its ground truth (ATE, RPE, time per frame)')
    .requiredOption('--session <dir>', 'EuRoC/ASL session folder (holding mav0/)')
    .option('--json', 'one JSON object instead of text')
    .option('--max-frames <n>', 'stop after n frames (0 = all)', nonNegativeInt, 0)
    .action(async (o: { session: string; json?: boolean; maxFrames: number }) => {
      await evalVioCommand({ session: o.session, json: o.json === true, maxFrames: o.maxFrames });
    });
}
