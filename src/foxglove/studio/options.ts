/**
 * `karana run --studio [port]`: Foxglove Studio in the browser on the live view (docs/foxglove.md, "Foxglove
 * Studio in the browser"). `--studio` implies `--foxglove` (port 8765 unless given); the host listens on the
 * interface of `--host`, port 8766 when the flag comes without one (0: any free port).
 */
import { Option, type Command } from 'commander';
import type { DeviceInfo } from '../../../hal/types.js';
import type { ImageMode } from '../channels.js';
import { parsePort } from '../options.js';
import { DEFAULT_FOXGLOVE_PORT } from '../server.js';
import { DEFAULT_STUDIO_PORT, startStudioHost, type StudioHostHandle } from './host.js';
import { layoutTopicsFor } from './layout.js';

/** What the flag gives the action (name as commander derives it). */
export interface StudioCliOptions {
  /** Port of the Studio host; absent: off. */
  readonly studio?: number;
}

/** Adds `--studio [port]` to `command`. */
export function addStudioOptions(command: Command): Command {
  return command.addOption(
    new Option('--studio [port]', `serve Foxglove Studio 1.48 (web build from npm) on this port (no port: ${DEFAULT_STUDIO_PORT}; 0: any free port) of --host, opened on the live view; implies --foxglove; docs/foxglove.md`)
      .preset(String(DEFAULT_STUDIO_PORT))
      .argParser(parsePort),
  );
}

/** The live view's port for `karana run`: `--foxglove`'s, else 8765 when `--studio` is given, else off. */
export function foxglovePortFor(options: { readonly foxglove?: number; readonly studio?: number }): number | undefined {
  return options.foxglove ?? (options.studio === undefined ? undefined : DEFAULT_FOXGLOVE_PORT);
}

/**
 * Starts the Studio host for a run: the layout's topics from the session's devices and `--foxglove-images`,
 * connected to `foxgloveUrl` (the bridge's `url`). Errors as `startStudioHost` (not installed, cannot listen).
 */
export function startStudioForRun(options: { readonly port: number; readonly host: string; readonly foxgloveUrl: string; readonly devices: readonly DeviceInfo[]; readonly images?: ImageMode }): Promise<StudioHostHandle> {
  return startStudioHost({ port: options.port, host: options.host, foxgloveUrl: options.foxgloveUrl, topics: layoutTopicsFor(options.devices, options.images ?? 'auto') });
}
