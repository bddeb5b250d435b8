/**
 * The audio driver of this module for the HAL driver table (`hal/drivers.ts`): `alsa` (spec `alsa:<device>`).
 * With `emulator = { recording = "<WAV file relative to the manifest>", pace = "realtime" | "asap" }`, the same
 * driver runs on the emulated arecord (`hal/emulators/alsa/`), streaming the recording at real-time pace
 * (default) or as fast as it is read.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import type { DriverEntry } from '../drivers.js';
import { emulatedArecord } from '../emulators/alsa/arecord.js';
import { emulatorOption, emulatorPace, specOrThrow } from '../v4l2/driver-table.js';
import { AlsaMicrophone } from './microphone.js';
import { parseAlsaSpec } from './spec.js';

export const AlsaOptions = z.strictObject({
  sampleRateHz: z.number().int().positive().optional(),
  channels: z.number().int().min(1).max(32).optional(),
  chunkSamples: z.number().int().positive().optional(),
  arecordPath: z.string().min(1).optional(),
  openTimeoutMs: z.number().int().positive().optional(),
  /** A WAV recording streamed by the emulated arecord instead of the microphone. */
  emulator: emulatorOption('{ recording = "<WAV file>", pace = "realtime" | "asap" }', { pace: emulatorPace }),
});

/** The audio drivers: `alsa`. */
export const AUDIO_DRIVERS: readonly DriverEntry[] = Object.freeze([
  {
    name: 'alsa',
    description: 'ALSA microphone alsa:<device> (e.g. alsa:hw:1,0) captured with arecord as 16 kHz mono S16 chunks',
    clock: 'relative',
    windowed: false,
    options: { audio: AlsaOptions },
    create(config, context) {
      const { emulator, ...o } = AlsaOptions.parse(config.options);
      const device = specOrThrow(config.id, config.path, parseAlsaSpec);
      const spawner = emulator !== undefined ? emulatedArecord({ wavPath: resolve(context.baseDir, emulator.recording), pace: emulator.pace ?? 'realtime', atEnd: 'loop', devices: [device] }) : undefined;
      return new AlsaMicrophone({ id: config.id, device, ...o, ...(spawner !== undefined ? { spawner } : {}) });
    },
  },
] satisfies DriverEntry[]);
