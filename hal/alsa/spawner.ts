/**
 * How the ALSA and GStreamer drivers start their helper programs (`arecord`, `gst-launch-1.0`): a small
 * spawner interface, so an emulator can stand in for the program (the serialport "binding" pattern) while
 * the driver's parsing code stays the same. {@link nodeSpawner} runs the real program with
 * `child_process.spawn` (no shell; stdin ignored, stdout and stderr piped).
 */
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';

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
