/**
 * Keyboard control of a replay in a terminal (`karana run` on a TTY, real clock): space or `p` pauses and
 * resumes (through the session's {@link ReplayController}), `q` or Ctrl-C stops the run. The terminal is put in
 * raw mode (so keys arrive without Enter; Ctrl-C then comes as a byte, not a signal) and restored on `dispose`.
 */
import type { ReplayController } from '../../hal/replay/controller.js';

export interface PauseKeys {
  dispose(): void;
}

/** Starts listening on stdin when it is a TTY; otherwise does nothing. */
export function listenForPauseKeys(controller: ReplayController, stop: () => void, log: (line: string) => void): PauseKeys {
  const input = process.stdin;
  if (!input.isTTY) return { dispose: () => undefined };
  const onData = (chunk: Buffer): void => {
    for (const byte of chunk) {
      if (byte === 0x20 || byte === 0x70) log(controller.toggle() ? 'karana: paused (space or p resumes)' : 'karana: resumed');
      else if (byte === 0x03 || byte === 0x71) stop();
    }
  };
  input.setRawMode(true);
  input.on('data', onData);
  input.resume();
  return {
    dispose: () => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
    },
  };
}
