/**
 * Loader of the generated napi-rs binding (`native/binding.cjs`, made by `npm run build:native`), found
 * beside the wrapper (`native/` when run from source) or at `<root>/native/` (compiled to `dist/native/`).
 * Loaded on first use; every wrapper module calls {@link native}.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Binding from '../binding.js';

export type NativeBinding = typeof Binding;
export type { Binding };

let binding: NativeBinding | undefined;

export function native(): NativeBinding {
  if (binding !== undefined) return binding;
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '..', 'binding.cjs'), join(here, '..', '..', '..', 'native', 'binding.cjs')];
  const found = candidates.find((p) => existsSync(p));
  if (found === undefined) {
    throw new Error(`karana-native: binding.cjs not found (looked in ${candidates.join(', ')}); run "npm run build:native"`);
  }
  binding = createRequire(import.meta.url)(found) as NativeBinding;
  return binding;
}
