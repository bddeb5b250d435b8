/** Where the package's own files are, from `src/…` (tests) and from `dist/src/…` (the installed CLI). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The directory holding this package's `package.json`. */
export function packageRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (let i = 0; i < 8; i += 1) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'hal'))) return dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new Error(`cannot find the karana-edge package root above ${from}`);
}

/** The bundled sample session (a manifest over 10 s of real recordings). */
export function sampleSessionPath(): string {
  return join(packageRoot(), 'hal/sessions/sample/session.toml');
}
