/**
 * `karana top [--url ws://127.0.0.1:8765] [--once] [--json]`: a live terminal view of a running `karana run` —
 * each layer's step rate and tick-budget use, bus rates and drops, device states, the power profile, battery,
 * SoC temperature and VIO tracking — from its `runtime.stats`, `device.state` and `power.state` topics over the
 * Foxglove WebSocket live view (docs/top.md).
 *
 * Modes: on a terminal, full screen redrawn at 2 Hz until `q`/Ctrl-C or the run ends; piped, one frame per
 * snapshot (batch, like `top -b`); `--once` one frame and exit; `--json` the snapshots as JSON lines.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { applyMessage, emptyView, parseStats, TOP_TOPICS } from '../top/model.js';
import { renderTop, type TopView } from '../top/render.js';
import { TopScreen, type TopInput, type TopOutput } from '../top/screen.js';
import type { RuntimeStatsEvent } from '../top/stats-types.js';
import { foxgloveTransport, type TopTransport } from '../top/transport.js';

export const DEFAULT_TOP_URL = 'ws://127.0.0.1:8765';

export interface TopOptions {
  readonly url: string;
  readonly once: boolean;
  readonly json: boolean;
  /** Colours: default on when the output is a terminal and `NO_COLOR` is not set. */
  readonly color?: boolean;
  /** How long to wait for the connection and the first snapshot, s (default 10). */
  readonly timeoutS?: number;
}

/** What `karana top` talks to (tests pass their own). */
export interface TopDeps {
  readonly transport?: TopTransport;
  readonly out?: TopOutput;
  readonly input?: TopInput | null;
  /** Redraw period of the full-screen view, ms (default 500: 2 Hz). */
  readonly redrawMs?: number;
}

/**
 * Run `karana top`. Resolves when it is done (one frame printed, `q` pressed, or the run ended); rejects with a
 * message naming the URL when it cannot attach or no valid snapshot comes within the timeout.
 */
export async function topCommand(options: TopOptions, deps: TopDeps = {}): Promise<void> {
  const timeoutMs = (options.timeoutS ?? 10) * 1000;
  const transport = deps.transport ?? foxgloveTransport(options.url, { timeoutMs });
  const out = deps.out ?? process.stdout;
  const color = options.color ?? (out.isTTY === true && process.env.NO_COLOR === undefined);
  const frame = (): string => renderTop(view, { color }).join('\n');
  // What each valid snapshot prints, decided before the first message can arrive.
  const streaming = !options.once && (options.json || out.isTTY !== true);
  const print = (s: RuntimeStatsEvent): unknown => (options.json ? out.write(`${JSON.stringify(s)}\n`) : out.write(`${frame()}\n\n`));
  let view: TopView = emptyView(options.url);
  let first: RuntimeStatsEvent | null = null;
  let onFirst: (() => void) | null = null;
  let ended: (reason: string | null) => void = () => undefined;
  const endedP = new Promise<string | null>((resolve) => (ended = resolve));
  await transport.open(TOP_TOPICS, {
    onMessage(topic, payload) {
      view = applyMessage(view, topic, payload);
      if (topic !== 'runtime.stats') return;
      const parsed = parseStats(payload);
      if (!parsed.ok) return;
      if (streaming) print(parsed.stats);
      if (first === null) {
        first = parsed.stats;
        onFirst?.();
      }
    },
    onProblem(message) {
      view = { ...view, error: message };
    },
    onClose(reason) {
      ended(reason);
    },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no valid runtime.stats from ${options.url} within ${timeoutMs / 1000} s${view.error === null ? '' : ` (${view.error})`}`)), timeoutMs);
      onFirst = () => {
        clearTimeout(timer);
        resolve();
      };
      if (first !== null) onFirst();
      void endedP.then((reason) => {
        clearTimeout(timer);
        reject(new Error(`${reason ?? 'the connection ended'} before the first runtime.stats`));
      });
    });
    if (options.once) {
      out.write(options.json ? `${JSON.stringify(first)}\n` : `${frame()}\n`);
      return;
    }
    if (streaming) {
      await untilQuit(endedP);
      return;
    }
    await fullScreen(out, deps.input === undefined ? process.stdin : deps.input, () => view, color, deps.redrawMs ?? 500, endedP);
  } finally {
    transport.close();
  }
}

/** Full-screen view until `q`, Ctrl-C, SIGTERM or the end of the connection; the terminal is restored. */
async function fullScreen(out: TopOutput, input: TopInput | null, view: () => TopView, color: boolean, redrawMs: number, endedP: Promise<string | null>): Promise<void> {
  let quit: () => void = () => undefined;
  const quitP = new Promise<null>((resolve) => (quit = () => resolve(null)));
  const screen = new TopScreen(out, input, () => quit());
  const draw = (): void => screen.draw(renderTop(view(), { color, ...(out.rows === undefined ? {} : { rows: out.rows }) }));
  screen.enter();
  draw();
  const timer = setInterval(draw, redrawMs);
  try {
    const reason = await Promise.race([quitP, endedP]);
    if (reason !== null) {
      screen.restore();
      process.stderr.write(`karana top: ${reason}\n`);
    }
  } finally {
    clearInterval(timer);
    screen.restore();
  }
}

/** Until the connection ends or SIGINT (batch and JSON modes). */
async function untilQuit(endedP: Promise<string | null>): Promise<void> {
  let onSignal: () => void = () => undefined;
  const signalP = new Promise<null>((resolve) => (onSignal = () => resolve(null)));
  process.once('SIGINT', onSignal);
  try {
    await Promise.race([endedP, signalP]);
  } finally {
    process.removeListener('SIGINT', onSignal);
  }
}

function seconds(value: string): number {
  const v = Number(value);
  if (!Number.isFinite(v) || v <= 0) throw new InvalidArgumentError(`"timeout" must be a positive number of seconds, got "${value}"`);
  return v;
}

function wsUrl(value: string): string {
  if (!/^wss?:\/\/[^/\s]+/.test(value)) throw new InvalidArgumentError(`"url" must be a ws:// or wss:// URL, got "${value}"`);
  return value;
}

/** Adds `karana top` to `program` (src/cli/main.ts: `registerTop(program)`). */
export function registerTop(program: Command): Command {
  return program
    .command('top')
    .description('live terminal view of a running `karana run`: layer budgets, bus rates and drops, devices, power (docs/top.md)')
    .option('--url <ws-url>', 'the run\'s Foxglove live view', wsUrl, DEFAULT_TOP_URL)
    .option('--once', 'print one frame and exit')
    .option('--json', 'print the runtime.stats snapshots as JSON lines')
    .option('--no-color', 'no colours (also: NO_COLOR set)')
    .option('--timeout <s>', 'wait this long for the run and its first snapshot, s', seconds, 10)
    .action(async (o: { url: string; once?: boolean; json?: boolean; color: boolean; timeout: number }) => {
      await topCommand({ url: o.url, once: o.once === true, json: o.json === true, timeoutS: o.timeout, ...(o.color ? {} : { color: false }) });
    });
}
