/**
 * The Python reference implementations (OpenCV `opencv-python-headless`, x-io `imufusion`, NumPy) that the
 * native core is checked and benchmarked against, run from the project's `.venv` (made by `sh setup.sh
 * --system` from `bench/oracle/requirements.txt`).
 *
 * Protocol: `runOracle(script, request)` runs `bench/oracle/<script>` with the request as JSON on stdin and
 * parses one JSON document from stdout. Large arrays travel as base64 of little-endian typed arrays
 * ({@link encodeArray} / {@link decodeFloat32} …) or as files (e.g. the PNG paths of real frames).
 * Errors: a missing venv names the fix; a failing script raises its stderr.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';

export const ORACLE_DIR = join(packageRoot(), 'bench/oracle');
export const ORACLE_PYTHON = process.env.KARANA_ORACLE_PYTHON ?? join(packageRoot(), '.venv/bin/python');

export function oracleAvailable(): boolean {
  return existsSync(ORACLE_PYTHON);
}

/** Run `bench/oracle/<script>` on `request`; returns its JSON answer. */
export function runOracle<T>(script: string, request: unknown, timeoutMs = 600_000): T {
  if (!oracleAvailable()) {
    throw new Error(`the Python reference implementations are not installed (${ORACLE_PYTHON} missing): run \`sh setup.sh --system\``);
  }
  const run = spawnSync(ORACLE_PYTHON, [join(ORACLE_DIR, script)], {
    input: JSON.stringify(request),
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    timeout: timeoutMs,
    env: { ...process.env, OMP_NUM_THREADS: process.env.OMP_NUM_THREADS ?? '1' },
  });
  if (run.error !== undefined) throw new Error(`${script}: ${run.error.message}`);
  if (run.status !== 0) throw new Error(`${script} exited with ${String(run.status)}: ${run.stderr.trim()}`);
  try {
    return JSON.parse(run.stdout) as T;
  } catch (err) {
    throw new Error(`${script}: not JSON on stdout (${String(err)}): ${run.stdout.slice(0, 200)}`);
  }
}

/** Base64 of a typed array's bytes (little-endian, as NumPy's `frombuffer` reads them). */
export function encodeArray(a: ArrayBufferView): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

export function decodeFloat32(b64: string): Float32Array {
  const buf = Buffer.from(b64, 'base64');
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

export function decodeFloat64(b64: string): Float64Array {
  const buf = Buffer.from(b64, 'base64');
  return new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

export function decodeUint8(b64: string): Uint8Array {
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

export function decodeInt32(b64: string): Int32Array {
  const buf = Buffer.from(b64, 'base64');
  return new Int32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}
