/**
 * `karana run`: load a session (the bundled sample by default), run the runtime on it, show a live status
 * line and the HUD, and print a summary (and a JSON report with `--report`) at the end.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { ReplayController } from '../../hal/replay/controller.js';
import { applyReplayControls } from '../../hal/replay/controls.js';
import { loadSession, type Session } from '../../hal/session/index.js';
import type { ImageMode } from '../foxglove/channels.js';
import { startFoxgloveBridge } from '../foxglove/server.js';
import { foxglovePortFor, startStudioForRun } from '../foxglove/studio/index.js';
import { defaultDisplayProfile, loadDisplayProfile } from '../hud/display-profile.js';
import { launchKiosk } from '../hud/kiosk.js';
import { HudServer } from '../hud/server.js';
import type { HudStats } from '../hud/types.js';
import { ahrsFilter } from '../layers/intelligence/ahrs/layer-filter.js';
import { HandLandmarker } from '../layers/intelligence/hands/index.js';
import { madgwickFilter } from '../layers/intelligence/madgwick-filter.js';
import { YoloxDetector } from '../layers/intelligence/yolox-detector.js';
import { sampleSessionPath } from '../paths.js';
import { scriptFromFlags } from '../runtime/anchor-script.js';
import { defaultAnchorsFile, loadAnchorsForRun } from '../runtime/anchors.js';
import { voiceFromOptions } from '../layers/interface/voice/index.js';
import { recordBus } from '../record/bus-record.js';
import { startStatsPublisher } from '../runtime/stats-publisher.js';
import { buildReport, type RunReport } from '../runtime/report.js';
import { Runtime } from '../runtime/runtime.js';
import { metronomeTimer } from '../tick/metronome-timer.js';
import { setUpRealtime } from '../tick/realtime.js';
import { listenForPauseKeys } from './pause-keys.js';
import { StatusLine } from './status.js';
import { groundTruthPoseSource } from '../runtime/ground-truth.js';
import type { PoseSource } from '../layers/intelligence/anchors/pose-source.js';
import { formatSummary } from './summary.js';

export interface RunCommandOptions {
  readonly session?: string;
  readonly speed: number;
  readonly hud: boolean;
  readonly port: number;
  readonly host: string;
  readonly report?: string;
  readonly eventLog?: string;
  readonly tickHz: number;
  readonly detect: boolean;
  /** Real clock: SCHED_FIFO priority of the metronome thread (the tick thread gets one less); 0 = off. */
  readonly rtPriority: number;
  /** Real clock: CPUs to pin the tick and metronome threads to. */
  readonly tickCpus?: readonly number[];
  /** Write progress and the summary (false for `--json`-style quiet use in tests). */
  readonly quiet: boolean;
  /** Hands and gestures on the world camera (`--hands`), with this TF.js backend. */
  readonly hands?: boolean;
  readonly handBackend?: 'auto' | 'tensorflow' | 'wasm' | 'cpu';
  /** Pose-guided hand regions (MoveNet wrists → landmark crops, docs/hands.md); `--no-hand-pose` (false) for egocentric cameras. */
  readonly handPose?: boolean;
  /** 6-DoF VIO on the tracking camera (default on; `--no-vio`). */
  readonly vio?: boolean;
  /** `--tracker groundtruth`: the session's ground truth as an external tracker (`pose.updated` source `tracker`). */
  readonly tracker?: 'groundtruth';
  /** Orientation filter of layer 5 (default `madgwick`, the skeleton's β 0.1 with ζ bias compensation). */
  readonly filter?: 'madgwick' | 'vqf' | 'mahony' | 'eskf';
  /** `--start <s>`: start this far into the session (replay). */
  readonly startS?: number;
  /** `--loop [n]`: replay the session n times (`true`: until stopped). */
  readonly loop?: number | boolean;
  /**
   * World-locked anchors: `--anchors FILE` loads and saves them there; `--no-anchors` (false) turns them off;
   * default (undefined): on when the VIO runs, in `defaultAnchorsFile(session)` (docs/anchors.md#wiring).
   */
  readonly anchors?: string | false;
  /** `--anchor-at x,y,z[@t]` (repeatable): create an anchor at a world position, m, at runtime t s. */
  readonly anchorAt?: readonly string[];
  /** `--anchor-pixel u,v,depthM@t` (repeatable): create one on the view ray through a tracking-image pixel. */
  readonly anchorPixel?: readonly string[];
  /** `--foxglove [port]`: Foxglove live view on this port of `host` (docs/foxglove.md); absent: off. */
  readonly foxglove?: number;
  /** `--studio [port]`: Foxglove Studio in the browser on the live view (docs/foxglove.md); implies `--foxglove`. */
  readonly studio?: number;
  /** `--foxglove-images auto|raw|jpeg`: how camera frames go to the live view and the bus recording. */
  readonly foxgloveImages?: ImageMode;
  /** `--record FILE.mcap`: record the bus topics with the live view's schemas (docs/foxglove.md). */
  readonly record?: string;
  readonly recordTopics?: readonly string[];
  /** `--voice auto|aplay|wav:DIR|off`, `--voice-name`, `--espeak`: spoken responses (docs/voice.md); absent: off. */
  readonly voice?: string;
  readonly voiceName?: string;
  readonly espeak?: string;
  /** `--kiosk`: open the HUD's display view in Chromium kiosk mode (fullscreen, on the glasses' display). */
  readonly kiosk?: boolean;
  /** `--display-profile FILE` (JSON or TOML, docs/hud.md#display-profile); default: the tracking camera. */
  readonly displayProfile?: string;
}

/**
 * Adds `karana run`'s HUD display flags: `--kiosk` and `--display-profile FILE`; the action receives `kiosk`
 * and `displayProfile` as {@link RunCommandOptions} names them.
 */
export function addHudOptions(command: Command): Command {
  return command
    .option('--kiosk', 'open the HUD display view fullscreen in Chromium kiosk mode (the glasses\' display; CHROMIUM_PATH or /usr/bin/chromium)')
    .option('--display-profile <file>', 'display profile, JSON or TOML: resolution, field of view, per-eye offset, refresh rate (default: the tracking camera; docs/hud.md)');
}

/**
 * Adds `karana run`'s anchor flags to `command` (`--anchors FILE`, `--no-anchors`, `--anchor-at`,
 * `--anchor-pixel`); the action receives `anchors`, `anchorAt`, `anchorPixel` as {@link RunCommandOptions} names them.
 */
export function addAnchorOptions(command: Command): Command {
  const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];
  return command
    .option('--anchors <file>', 'world-locked anchors: load them from this JSON file and save changes to it (default: on with the VIO, in $XDG_STATE_HOME/karana/anchors/; docs/anchors.md)')
    .option('--no-anchors', 'no world-locked anchors')
    .addOption(new Option('--anchor-at <x,y,z[@t]>', 'create an anchor at a world position, m, with the first tracking frame at ≥ t s (repeatable)').argParser(collect))
    .addOption(new Option('--anchor-pixel <u,v[,depth]@t>', 'create an anchor on the view ray through pixel (u, v) of the tracking frame at ≥ t s, depth m along the optical axis, or where the ray meets the scene when no depth is given (repeatable)').argParser(collect));
}

export async function runCommand(options: RunCommandOptions): Promise<RunReport> {
  const sessionPath = resolve(options.session ?? sampleSessionPath());
  const script = scriptFromFlags(options.anchorAt, options.anchorPixel); // bad flags fail before anything opens
  const loaded = await loadSession(sessionPath);
  // Pause/resume from the keyboard: real-clock replays in a terminal (the controller reads the runtime clock,
  // created below).
  let runtimeNowNs = (): number => 0;
  const controller = new ReplayController(() => runtimeNowNs());
  const pausable = options.speed > 0 && !options.quiet && process.stdin.isTTY && loaded.devices.every((d) => d.device.info.replay);
  let session: Session;
  try {
    session = applyReplayControls(loaded, {
      ...(options.startS === undefined ? {} : { startS: options.startS }),
      ...(options.loop === undefined ? {} : { loop: options.loop }),
      ...(pausable ? { controller } : {}),
    });
  } catch (err) {
    await loaded.close();
    throw err;
  }
  const log = (line: string): void => {
    if (!options.quiet) process.stderr.write(`${line}\n`);
  };
  for (const f of session.failed) log(`karana: device ${f.id} not available: ${f.error.message}`);
  const realtime = options.speed > 0 ? setUpRealtime({ priority: options.rtPriority, ...(options.tickCpus === undefined ? {} : { cpus: options.tickCpus }) }) : null;
  if (realtime !== null) log(`karana: ${realtime.summary}`);
  const detector = options.detect && session.devices.some((d) => d.device.info.kind === 'camera' && d.device.info.role === 'world') ? await YoloxDetector.load() : null;
  const hasWorld = session.devices.some((d) => d.device.info.kind === 'camera' && d.device.info.role === 'world');
  const hands = options.hands === true && hasWorld ? await HandLandmarker.load({ backend: options.handBackend ?? 'auto', poseGuided: options.handPose !== false }) : null;
  const tracker = options.tracker === 'groundtruth' ? await groundTruthTracker(session) : undefined;
  const anchorsOn = options.anchors !== false && (options.vio !== false || tracker !== undefined);
  const anchorsFile = anchorsOn ? (typeof options.anchors === 'string' ? resolve(options.anchors) : defaultAnchorsFile(session.name, sessionPath)) : undefined;
  const anchors = anchorsFile === undefined ? null : await loadAnchorsForRun(anchorsFile);
  if (anchors?.error != null) log(`karana: ${anchors.error} — starting with no anchors; the file is left as it is until an anchor changes`);
  const runtime = new Runtime({
    hands,
    session,
    speed: options.speed,
    tickHz: options.tickHz,
    filter: options.filter === undefined || options.filter === 'madgwick' ? madgwickFilter() : ahrsFilter(options.filter),
    detector,
    ...(realtime !== null ? { timer: metronomeTimer(realtime.metronome) } : {}),
    ...(options.eventLog === undefined ? {} : { eventLogPath: resolve(options.eventLog) }),
    onLayerError: (layer, err) => log(`karana: layer ${layer} step failed (state kept): ${err.stack ?? err.message}`),
    ...(pausable ? { pausedNs: () => controller.pausedNs() } : {}),
    ...(options.vio === false ? { vio: false } : {}),
    ...(tracker === undefined ? {} : { tracker }),
    anchors: anchors === null ? false : { store: anchors.store, ...(anchorsFile === undefined ? {} : { file: anchorsFile }), script },
  });
  if (script.length > 0 && runtime.anchorsSummary.startsWith('anchors off')) log(`karana: ${script.length} anchor command(s) ignored: ${runtime.anchorsSummary}`);
  const displayProfile = options.displayProfile === undefined ? defaultDisplayProfile(session.devices.map((d) => d.device.info as Parameters<typeof defaultDisplayProfile>[0][number])) : await loadDisplayProfile(resolve(options.displayProfile));
  const hud = options.hud ? await HudServer.start({ bus: runtime.bus, port: options.port, host: options.host, stats: () => hudStats(runtime, session, options), displayProfile, clockRate: options.speed }) : null;
  if (hud !== null) log(`karana: HUD at ${hud.url} (display: ${displayProfile.name}, ${displayProfile.widthPx}×${displayProfile.heightPx} @ ${displayProfile.refreshHz} Hz)`);
  const kiosk = hud !== null && options.kiosk === true ? launchKiosk({ url: hud.url, profile: displayProfile }) : null;
  void kiosk?.exited.then((r) => {
    if (typeof r === 'string') log(`karana: kiosk: ${r}`);
  });
  const devices = session.devices.map((d) => d.device.info);
  const foxglovePort = foxglovePortFor(options);
  const foxglove = foxglovePort === undefined ? null : await startFoxgloveBridge({ bus: runtime.bus, port: foxglovePort, host: options.host, devices, images: options.foxgloveImages ?? 'auto', onError: (e) => log(`karana: foxglove: ${e.message}`) });
  if (foxglove !== null) log(`karana: Foxglove live view at ${foxglove.url} (karana top --url ${foxglove.url})`);
  // Studio is a convenience: when it cannot start (not installed, port taken) the run goes on with the live view.
  const studio =
    foxglove === null || options.studio === undefined
      ? null
      : await startStudioForRun({ port: options.studio, host: options.host, foxgloveUrl: foxglove.url, devices, images: options.foxgloveImages ?? 'auto' }).catch((e: unknown) => {
          log(`karana: Foxglove Studio not started: ${e instanceof Error ? e.message : String(e)}`);
          return null;
        });
  if (studio !== null) log(`karana: Foxglove Studio ${studio.studioVersion} at ${studio.url}`);
  // `runtime.stats` (what `karana top` shows) is published while the live view or a bus recording can carry it.
  const statsPublisher = foxglove === null && options.record === undefined ? null : startStatsPublisher(runtime, { session: { name: session.name, durationNs: session.durationNs }, speed: options.speed });
  const voice = await voiceFromOptions(options, runtime.bus);
  if (options.voice !== undefined) log(`karana: ${voice.summary}`);
  const recorder = options.record === undefined ? null : await recordBus(runtime.bus, resolve(options.record), { devices, images: options.foxgloveImages ?? 'auto', ...(options.recordTopics === undefined ? {} : { topics: options.recordTopics }) });
  log(`karana: session "${session.name}" (${session.devices.length} devices), ${options.speed === 0 ? 'virtual clock, as fast as possible' : `real clock ×${options.speed}`}, ${options.tickHz} Hz ticks`);
  log(`karana: ${runtime.vioSummary}`);
  log(`karana: ${runtime.anchorsSummary}`);
  const results = runtime.bus.observe('anchor.result').subscribe(({ payload: r }) =>
    log(r.ok ? `karana: anchor ${r.requestId}: ${r.kind} ${r.anchorId} at [${r.p_world_m.map((v) => v.toFixed(3)).join(', ')}] m` : `karana: anchor ${r.requestId}: ${r.kind} rejected: ${r.reason}`),
  );
  runtimeNowNs = () => runtime.clock.nowNs();
  const status = options.quiet ? null : new StatusLine(runtime, session);
  const onSignal = (): void => runtime.stop();
  const keys = pausable ? listenForPauseKeys(controller, onSignal, log) : null;
  if (pausable) log('karana: space or p pauses, q stops');
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    status?.start();
    const stats = await runtime.run();
    status?.stop();
    const recorded = await recorder?.close();
    if (recorded !== undefined) log(`karana: recorded ${recorded.messages} messages to ${recorded.file}`);
    const report = await buildReport({ runtime, session, sessionPath, stats, speed: options.speed, detector, anchorsLoadError: anchors?.error ?? null, ...(options.eventLog === undefined ? {} : { eventLogPath: resolve(options.eventLog) }) });
    if (options.report !== undefined) await writeFile(options.report, `${JSON.stringify(report, null, 2)}\n`);
    if (!options.quiet) process.stdout.write(formatSummary(report));
    return report;
  } finally {
    results.unsubscribe();
    status?.stop();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    keys?.dispose();
    kiosk?.stop();
    realtime?.restore();
    statsPublisher?.stop();
    await voice.voice?.close();
    await studio?.close();
    await foxglove?.close();
    await recorder?.close().catch(() => undefined); // idempotent; an error was already raised in try
    await hud?.close();
    await detector?.close();
    await hands?.close();
    await session.close();
  }
}

function hudStats(runtime: Runtime, session: Session, options: RunCommandOptions): HudStats {
  const loop = runtime.loop.stats();
  const detection = runtime.collectors.detections();
  const seconds = Math.max(runtime.loop.timeNs / 1e9, 1e-9);
  return {
    sessionName: session.name,
    mode: loop.mode,
    speed: options.speed,
    progress: { tNs: runtime.loop.timeNs, durationNs: session.durationNs ?? null },
    tick: { hz: loop.tickHz, lateness: loop.lateness, overruns: loop.layers.reduce((n, l) => n + l.overruns, 0) },
    bus: runtime.bus.stats().map((t) => ({ topic: t.topic, published: t.published, dropped: t.dropped, p99LatencyNs: t.latency.p99Ns })),
    detections: runtime.options.detector === null ? null : { fps: detection.frames / seconds, inferenceP50Ms: runtime.options.detector.stats().inference.p50Ns / 1e6 },
  };
}

/** `--tracker groundtruth`: the session's ground truth as the tracker; the session is closed when it has none. */
async function groundTruthTracker(session: Session): Promise<{ name: string; source: PoseSource }> {
  try {
    return { name: `${session.name} ground truth`, source: await groundTruthPoseSource(session) };
  } catch (err) {
    await session.close();
    throw new Error(`--tracker groundtruth: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
