/**
 * `karana run`'s flags for the live view and bus recordings (docs/foxglove.md):
 *
 * - `--foxglove [port]`: serve the Foxglove WebSocket live view (off by default; port 8765 when the flag comes
 *   without one; 0 = any free port), on the interface of `--host`;
 * - `--foxglove-images <mode>`: `auto` (GRAY8 as RawImage, colour as JPEG CompressedImage), `raw`, `jpeg`;
 * - `--record <file.mcap>`: record the bus topics with the same channels and schemas;
 * - `--record-topics <patterns>`: comma-separated Foxglove or bus topic patterns to record (default all).
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { ImageMode } from './channels.js';
import { DEFAULT_FOXGLOVE_PORT } from './server.js';

/** What the flags give the action (names as commander derives them). */
export interface FoxgloveCliOptions {
  /** Port of the live view; absent: off. */
  readonly foxglove?: number;
  readonly foxgloveImages?: ImageMode;
  /** Bus recording file; absent: none. */
  readonly record?: string;
  readonly recordTopics?: readonly string[];
}

/** A TCP port 0–65535, for commander. */
export function parsePort(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`"${value}" is not a port (an integer 0–65535)`);
  return n;
}

/** Adds `--foxglove [port]` and `--foxglove-images <mode>` to `command`. */
export function addFoxgloveOptions(command: Command): Command {
  return command
    .addOption(new Option('--foxglove [port]', `serve the live view for Foxglove/Lichtblick (foxglove.websocket.v1) on this port (no port: ${DEFAULT_FOXGLOVE_PORT}; 0: any free port) of --host; docs/foxglove.md`).preset(String(DEFAULT_FOXGLOVE_PORT)).argParser(parsePort))
    .addOption(new Option('--foxglove-images <mode>', 'camera frames in the live view and --record: auto (grey raw, colour JPEG), raw, jpeg').choices(['auto', 'raw', 'jpeg']).default('auto'));
}

/** Adds `--record <file.mcap>` and `--record-topics <patterns>` to `command`. */
export function addRecordBusOptions(command: Command): Command {
  return command
    .option('--record <file.mcap>', 'record the bus topics to an MCAP file with the live view\'s schemas (opens in Foxglove/Lichtblick; docs/foxglove.md)')
    .option('--record-topics <patterns>', 'with --record: comma-separated topics to record, Foxglove (/pose/*, /tf) or bus (objects.*) names, * and ? globs (default: all)', (v: string) => v.split(',').map((s) => s.trim()).filter((s) => s.length > 0));
}
