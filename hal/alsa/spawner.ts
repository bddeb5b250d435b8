/**
 * How the ALSA and GStreamer drivers start their helper programs (`arecord`, `gst-launch-1.0`): a small
 * spawner interface, so an emulator can stand in for the program (the serialport "binding" pattern) while
 * the driver's parsing code stays the same. {@link nodeSpawner} runs the real program with
 * `child_process.spawn` (no shell; stdin ignored, stdout and stderr piped).
 */
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { DeviceError } from '../types.js';

/** How a helper process ended. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: string | null;
}

/** A running helper program. */
export interface SpawnedProcess {
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** Resolves once the program runs; rejects with the spawn error (`code` `ENOENT` when it is not installed). */
  readonly spawned: Promise<void>;
  /** Resolves when the program has exited and its output is closed. */
  readonly exited: Promise<ProcessExit>;
  kill(signal?: NodeJS.Signals): void;
}

/** Starts `command` with `args`. */
export type Spawner = (command: string, args: readonly string[]) => SpawnedProcess;

/** The real programs, through `child_process.spawn`. */
export const nodeSpawner: Spawner = (command, args) => {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', reject);
  });
  spawned.catch(() => undefined);
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: null, signal: null }));
  });
  return {
    stdout: child.stdout,
    stderr: child.stderr,
    spawned,
    exited,
    kill: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
};

/** The last `count` non-empty lines of a program's stderr, joined with ` | `. */
export function lastLines(text: string, count = 3): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .slice(-count)
    .join(' | ');
}

/** A started helper program and the tail of its stderr (for error messages). */
export interface StartedTool {
  readonly proc: SpawnedProcess;
  /** The last 4,000 characters of stderr so far. */
  stderr(): string;
}

/**
 * Starts `tool` through `spawner` and waits until it runs, keeping the tail of its stderr.
 * @throws DeviceError of device `id` when it cannot be started (ENOENT: not installed — `installHint` says how).
 */
export async function startTool(spawner: Spawner, tool: string, args: readonly string[], id: string, installHint: string): Promise<StartedTool> {
  const proc = spawner(tool, args);
  let tail = '';
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (t: string) => (tail = (tail + t).slice(-4000)));
  try {
    await proc.spawned;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new DeviceError(id, `${tool} could not be started (${code})${code === 'ENOENT' ? `: ${installHint}` : ''}`, { cause: err });
  }
  return { proc, stderr: () => tail };
}
