/**
 * `karana bench [NAME…] [--json] [--quick]`: run the benchmark suites in `bench/` (compiled to
 * `dist/bench/*.bench.js`) on this machine, so users can measure their own dev kit.
 */
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchResult, BenchSuite } from '../../bench/harness.js';
import { ProgressLine } from '../record/progress.js';
import { packageRoot } from '../paths.js';

export interface BenchCommandOptions {
  readonly json: boolean;
  readonly quick: boolean;
  readonly out?: string;
}

/** Directory of the compiled suites (this file is `dist/src/cli/bench.js`). */
function suitesDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../bench');
}

export function listSuites(): string[] {
  const dir = suitesDir();
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.bench.js'))
    .map((f) => f.slice(0, -'.bench.js'.length))
    .sort();
}

export async function runBenchCommand(names: readonly string[], options: BenchCommandOptions): Promise<BenchResult[]> {
  const known = listSuites();
  if (known.length === 0) throw new Error(`no benchmark suites in ${suitesDir()} (run \`npm run build\` first)`);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) throw new Error(`unknown benchmark "${unknown.join('", "')}" (known: ${known.join(', ')})`);
  const selected = names.length > 0 ? names : known;
  const root = packageRoot();
  const shared = resolve(root, '../shared/data');
  const results: BenchResult[] = [];
  // A bar over the suites on a terminal (never with --json); plain `bench NAME…` lines in a pipe or a log.
  const bar = options.json || process.stderr.isTTY !== true ? null : new ProgressLine(process.stderr, { label: 'karana bench', total: selected.length, unit: 'suites' });
  for (const [i, name] of selected.entries()) {
    const mod = (await import(pathToFileURL(join(suitesDir(), `${name}.bench.js`)).href)) as { default: BenchSuite };
    if (bar !== null) bar.update(i, name);
    else if (!options.json) process.stderr.write(`bench ${name}…\n`);
    const result = await mod.default.run({ quick: options.quick, rootDir: root, sharedDataDir: existsSync(shared) ? shared : undefined });
    results.push(result);
    bar?.finish();
    if (!options.json) process.stdout.write(formatResult(result));
  }
  if (options.json) process.stdout.write(`${JSON.stringify({ machine: machineInfo(), results }, null, 2)}\n`);
  return results;
}

export function formatResult(r: BenchResult): string {
  const lines = [`\n## ${r.name}: ${r.description}`];
  for (const [k, f] of Object.entries(r.figures)) lines.push(`  ${k.padEnd(44)} ${formatNumber(f.value).padStart(12)} ${f.unit}`);
  for (const [k, v] of Object.entries(r.ratios)) lines.push(`  ratio ${k.padEnd(38)} ${formatNumber(v).padStart(12)} ×`);
  for (const n of r.notes ?? []) lines.push(`  note: ${n}`);
  return `${lines.join('\n')}\n`;
}

function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a >= 1000 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 0.1 ? v.toFixed(3) : v.toPrecision(3);
}

export function machineInfo(): Record<string, string | number> {
  return { node: process.version, arch: process.arch, platform: process.platform, cpus: os.availableParallelism(), cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(os.totalmem() / 2 ** 30) };
}
