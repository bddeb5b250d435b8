#!/usr/bin/env node
/**
 * `karana`: the Kāraṇa Edge command line (commander).
 *   karana run [--session PATH] [--speed X] [--no-hud] [--port N] [--report FILE.json] [--event-log FILE]
 *              [--anchors FILE | --no-anchors] [--anchor-at x,y,z[@t]] [--anchor-pixel u,v[,depth]@t]
 *              [--kiosk] [--display-profile FILE] [--foxglove [PORT]] [--foxglove-images auto|raw|jpeg] [--record FILE.mcap [--record-topics LIST]]
 *   karana top [--url ws://127.0.0.1:8765] [--once] [--json]
 *   karana detect FILE [--json]
 *   karana bench [NAME…] [--json] [--quick]
 *   karana record [--session PATH] [--out FILE.mcap] [--duration S] [--topics LIST] …
 *   karana doctor [--json] [--udev [FILE]]
 *   karana eval ahrs PATH [--filter K] [--json]    karana eval vio --session DIR [--json]
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { runBenchCommand, listSuites } from './bench.js';
import { detectCommand } from './detect.js';
import { doctorCommand } from './doctor.js';
import { registerEvalAhrs } from './eval-ahrs.js';
import { registerEvalVio } from './eval-vio.js';
import { registerRecordCommand } from './record.js';
import { addFoxgloveOptions, addRecordBusOptions } from '../foxglove/options.js';
import { addStudioOptions } from '../foxglove/studio/index.js';
import { addVoiceOptions } from '../layers/interface/voice/index.js';
import { addAnchorOptions, addHudOptions, runCommand } from './run.js';
import { registerTop } from './top.js';

function number(name: string, min: number, max = Number.POSITIVE_INFINITY): (value: string) => number {
  return (value) => {
    const v = Number(value);
    if (!Number.isFinite(v) || v < min || v > max) throw new InvalidArgumentError(`"${name}" must be a number in [${min}, ${max}], got "${value}"`);
    return v;
  };
}

const program = new Command()
  .name('karana')
  .description('Kāraṇa Edge: a runtime for AR glasses dev kits')
  .showHelpAfterError();

addVoiceOptions(addHudOptions(addRecordBusOptions(addStudioOptions(addFoxgloveOptions(addAnchorOptions(program
  .command('run')
  .description('run the runtime on a session (default: the bundled sample of real recordings)')
  .option('--session <path>', 'a session.toml manifest, or a EuRoC/ASL folder (containing mav0/)')
  .option('--speed <x>', 'replay speed: 1 = recorded timing, 0 = as fast as possible (virtual clock, deterministic)', number('speed', 0, 1000), 1)
  .option('--no-hud', 'do not serve the HUD page')
  .option('--port <n>', 'HUD port (0: any free port)', number('port', 0, 65535), 8790)
  .option('--host <addr>', 'HUD interface', '127.0.0.1')
  .option('--report <file>', 'write the summary as JSON')
  .option('--event-log <file>', 'write every bus event as JSON lines')
  .option('--tick-hz <n>', 'tick rate, Hz', number('tick-hz', 1, 10_000), 1000)
  .option('--no-detect', 'no object detection')
  .addOption(new Option('--rt-priority <n>', 'real clock: SCHED_FIFO priority of the metronome thread, the tick thread one below (needs CAP_SYS_NICE; 0: off)').argParser(number('rt-priority', 0, 99)).default(20))
  .option('--tick-cpus <list>', 'real clock: pin the tick and metronome threads to these CPUs, e.g. 3 or 2,3', (v: string) => v.split(',').map(number('tick-cpus', 0, 1023)))
  .option('--quiet', 'no status line or summary (use with --report)')
  .option('--start <s>', 'replay: start this far into the session, s', number('start', 0))
  .option('--loop [n]', 'replay: play the session n times (no n: until stopped)', number('loop', 1))
  .addOption(new Option('--filter <kind>', 'orientation filter (docs/ahrs.md)').choices(['madgwick', 'vqf', 'mahony', 'eskf']).default('madgwick'))
  .option('--no-vio', 'no 6-DoF visual-inertial odometry (it runs on a calibrated tracking camera by default; docs/vio.md)')
  .addOption(new Option('--tracker <source>', "external 6-DoF tracking the display and anchors follow instead of the VIO: 'groundtruth' replays the session's ground truth as a motion-capture tracker would (docs/hud.md)").choices(['groundtruth']))
  .option('--hands', 'hands and pinch/point gestures on the world camera (docs/hands.md)')
  .addOption(new Option('--hand-backend <b>', 'TF.js backend for --hands').choices(['auto', 'tensorflow', 'wasm', 'cpu']).default('auto'))
  .option('--no-hand-pose', 'no pose-guided hand regions for --hands (for egocentric cameras, where no body is in view; docs/hands.md)')))))))
  .action(async (o: { session?: string; speed: number; hud: boolean; port: number; host: string; report?: string; eventLog?: string; tickHz: number; detect: boolean; rtPriority: number; tickCpus?: number[]; quiet?: boolean; start?: number; loop?: number | boolean; filter: 'madgwick' | 'vqf' | 'mahony' | 'eskf'; vio: boolean; tracker?: 'groundtruth'; hands?: boolean; handBackend: 'auto' | 'tensorflow' | 'wasm' | 'cpu'; handPose: boolean; anchors?: string | false; anchorAt?: string[]; anchorPixel?: string[]; foxglove?: number; studio?: number; foxgloveImages: 'auto' | 'raw' | 'jpeg'; record?: string; recordTopics?: string[]; kiosk?: boolean; displayProfile?: string; voice: string; voiceName: string; espeak: string }) => {
    const { start, loop, ...rest } = o;
    await runCommand({ ...rest, quiet: o.quiet === true, ...(start === undefined ? {} : { startS: start }), ...(loop === undefined ? {} : { loop }) });
  });

program
  .command('detect')
  .description('object detection (YOLOX-Nano) on an image or a video file')
  .argument('<file>', 'image (PNG, JPEG, WebP…) or video (needs ffmpeg)')
  .option('--json', 'one JSON object per frame')
  .option('--score <s>', 'score threshold', number('score', 0, 1), 0.3)
  .option('--every <n>', 'video: every n-th frame', number('every', 1), 1)
  .option('--max-frames <n>', 'video: stop after n frames (0: all)', number('max-frames', 0), 0)
  .action(async (file: string, o: { json?: boolean; score: number; every: number; maxFrames: number }) => {
    await detectCommand(file, { json: o.json === true, scoreThreshold: o.score, every: o.every, maxFrames: o.maxFrames });
  });

program
  .command('bench')
  .description(`run benchmarks on this machine (suites: ${listSuites().join(', ') || 'none built'})`)
  .argument('[names...]', 'suites to run (default: all)')
  .option('--json', 'print the results as JSON')
  .option('--quick', 'shorter runs')
  .action(async (names: string[], o: { json?: boolean; quick?: boolean }) => {
    await runBenchCommand(names, { json: o.json === true, quick: o.quick === true });
  });

registerRecordCommand(program);
registerTop(program);

const evalCommand = program.command('eval').description('evaluate perception on your own recordings against their ground truth');
registerEvalAhrs(evalCommand);
registerEvalVio(evalCommand);

program
  .command('doctor')
  .description('list attached devices and the driver of each, check tools and permissions, write udev rules')
  .option('--json', 'print the report as JSON')
  .option('--udev [file]', 'write udev rules (default /etc/udev/rules.d/70-karana-edge.rules) and exit')
  .action(async (o: { json?: boolean; udev?: string | boolean }) => {
    await doctorCommand({ json: o.json === true, ...(o.udev === undefined ? {} : { udev: o.udev }) });
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`karana: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
