#!/usr/bin/env node
/**
 * Builds the karana_hal C addon (`binding.gyp` → `build/Release/karana_hal.node`) with node-gyp.
 * Runs as the package's `install` script and first in `npm run build`.
 *
 * - Not Linux: prints that the addon is Linux-only and exits 0 (nothing to build).
 * - Linux: `node-gyp rebuild`, against the Node headers installed beside this node binary
 *   (`<prefix>/include/node`, `--nodedir=<prefix>`) when they are there, so no header download is needed.
 *   node-gyp is the devDependency (`node_modules/node-gyp`), else npm's bundled one (`npm_config_node_gyp`).
 *   Any failure exits non-zero with what was missing and how to fix it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const output = path.join(root, 'build', 'Release', 'karana_hal.node');

/** @param {string} message */
function fail(message) {
  console.error(`karana_hal: build failed: ${message}`);
  process.exit(1);
}

/**
 * The node-gyp entry script: the local devDependency, else the one npm bundles.
 * @returns {string | null}
 */
function findNodeGyp() {
  const local = path.join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (existsSync(local)) return local;
  const bundled = process.env['npm_config_node_gyp'];
  if (bundled !== undefined && bundled !== '' && existsSync(bundled)) return bundled;
  return null;
}

if (process.platform !== 'linux') {
  console.log(`karana_hal: the HAL addon is Linux-only (clock_nanosleep, sched(7), CPU affinity); skipping on ${process.platform}`);
  process.exit(0);
}

const nodeGyp = findNodeGyp();
if (nodeGyp === null) {
  fail(
    `node-gyp not found (looked for ${path.join(root, 'node_modules/node-gyp')} and $npm_config_node_gyp); ` +
      'install the dev dependencies (npm install) or run this script through npm',
  );
}

const prefix = path.resolve(process.execPath, '../..');
const headers = path.join(prefix, 'include', 'node', 'node_api.h');
const args = [/** @type {string} */ (nodeGyp), 'rebuild', '--release'];
if (existsSync(headers)) args.push(`--nodedir=${prefix}`);
else console.warn(`karana_hal: no Node headers at ${headers}; node-gyp will try to download them`);

console.log(`karana_hal: building ${path.relative(root, output)} (node-gyp ${args.slice(1).join(' ')})`);
const run = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
if (run.error !== undefined) fail(`could not start node-gyp: ${run.error.message}`);
if (run.status !== 0) {
  fail(
    `node-gyp exited with ${run.status ?? `signal ${run.signal ?? 'unknown'}`}. It needs python3, make, a C ` +
      `compiler (gcc or clang) and the Node headers (${headers}, e.g. the distribution's nodejs-dev / ` +
      'libnode-dev package, or the official Node tarball); see the node-gyp output above',
  );
}
if (!existsSync(output)) fail(`node-gyp succeeded but ${output} is missing`);
console.log(`karana_hal: built ${output}`);
