/**
 * Kiosk launch of the HUD page on the glasses' display: Chromium fullscreen (`--kiosk --app=URL`) on the
 * display view only (`?view=display`: black background, which an optical see-through display shows as
 * transparent), at the display profile's size, with the first-run, crash-bubble and info-bar prompts off
 * and a throw-away profile directory. Chromium switches: https://peter.sh/experiments/chromium-command-line-switches/
 * (`--kiosk`, `--app`, `--window-size`, `--window-position`, `--force-device-scale-factor`,
 * `--user-data-dir`). The binary and `spawn` are injected so the arguments can be tested without a display.
 *
 * Errors: a missing binary is reported by the returned handle's `exited` promise (the `error` event of
 * `spawn`), never thrown into the runtime; the run goes on without the kiosk.
 */
import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import type { DisplayProfile } from './display-profile.js';

export interface KioskOptions {
  /** The HUD server's URL (`HudServer.url`). */
  readonly url: string;
  readonly profile: DisplayProfile;
  /** Chromium binary; default `CHROMIUM_PATH` or `/usr/bin/chromium`. */
  readonly chromiumPath?: string;
  /** Where the glasses' display sits in the X/Wayland screen layout, px (default 0,0). */
  readonly windowPositionPx?: readonly [number, number];
  /** Eye to render for a per-eye display (`?eye=`), default the profile's first. */
  readonly eye?: string;
  /** A fresh profile directory (default `/tmp/karana-kiosk-<pid>`). */
  readonly userDataDir?: string;
  /** Extra switches (e.g. `--ozone-platform=wayland`). */
  readonly extraArgs?: readonly string[];
  /** Injected for tests; default `child_process.spawn`. */
  readonly spawn?: (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;
}

export interface KioskHandle {
  readonly command: string;
  readonly args: readonly string[];
  /** Resolves with the exit code (null on a signal) or the spawn error's message. */
  readonly exited: Promise<number | string | null>;
  /** SIGTERM to Chromium (at the end of `karana run`). */
  stop(): void;
}

/** The page URL the kiosk opens: the display view, and the eye when one is named. */
export function kioskUrl(url: string, eye?: string): string {
  const u = new URL(url);
  u.searchParams.set('view', 'display');
  if (eye !== undefined) u.searchParams.set('eye', eye);
  return u.href;
}

/** Chromium's arguments for the kiosk (see the module comment). */
export function kioskArgs(options: KioskOptions): string[] {
  const [x, y] = options.windowPositionPx ?? [0, 0];
  return [
    '--kiosk',
    `--app=${kioskUrl(options.url, options.eye)}`,
    `--window-size=${options.profile.widthPx},${options.profile.heightPx}`,
    `--window-position=${x},${y}`,
    '--force-device-scale-factor=1',
    `--user-data-dir=${options.userDataDir ?? `/tmp/karana-kiosk-${process.pid}`}`,
    '--no-first-run',
    '--noerrdialogs',
    '--disable-infobars',
    '--disable-session-crashed-bubble',
    '--disable-translate',
    '--autoplay-policy=no-user-gesture-required',
    ...(options.extraArgs ?? []),
  ];
}

/** Starts Chromium in kiosk mode on the HUD page. */
export function launchKiosk(options: KioskOptions): KioskHandle {
  const command = options.chromiumPath ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  const args = kioskArgs(options);
  const child = (options.spawn ?? nodeSpawn)(command, args, { stdio: 'ignore', detached: false });
  const exited = new Promise<number | string | null>((resolve) => {
    child.once('error', (err) => resolve(`cannot start ${command}: ${err.message}`));
    child.once('exit', (code) => resolve(code));
  });
  return { command, args, exited, stop: () => void child.kill('SIGTERM') };
}
