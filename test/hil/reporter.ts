/**
 * Vitest reporter that writes the hardware-in-the-loop report: per target of the suites in `test/hil/` (emulated
 * or hardware), the tests passed, failed and skipped with the failure messages, the platform, and the platform's
 * known gaps (`hal/hil/platform.ts`). File: `KARANA_HIL_REPORT` or `test-results/hil-report.json`. Only written
 * when HIL suites ran.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';
import { detectPlatform, gapsFor } from '../../hal/hil/platform.js';
import { HIL_ENV } from '../../hal/hil/targets.js';

interface TargetResult {
  kind: string;
  target: string;
  source: 'emulator' | 'hardware' | 'none';
  passed: number;
  failed: number;
  skipped: number;
  failures: { test: string; message: string }[];
}

export default class HilReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const hil = modules.filter((m) => /[/\\]test[/\\]hil[/\\][a-z]+\.test\.ts$/.test(m.moduleId));
    if (hil.length === 0) return;
    const targets = new Map<string, TargetResult>();
    for (const m of hil) {
      for (const test of m.children.allTests()) {
        let suite = test.parent;
        while (suite.type === 'suite' && suite.parent.type === 'suite') suite = suite.parent;
        const name = suite.type === 'suite' ? suite.name : test.name;
        const match = /^(\w+) (?:contract|timing|HIL): (.*)$/.exec(name) ?? /^(\w+) HIL$/.exec(name);
        const kind = match?.[1] ?? 'unknown';
        const target = match?.[2] ?? 'none';
        const key = `${kind}|${target}`;
        const entry = targets.get(key) ?? { kind, target, source: target.startsWith('[hardware]') ? 'hardware' : target.startsWith('[emulator]') ? 'emulator' : 'none', passed: 0, failed: 0, skipped: 0, failures: [] };
        const r = test.result();
        if (r.state === 'passed') entry.passed += 1;
        else if (r.state === 'failed') {
          entry.failed += 1;
          entry.failures.push({ test: test.name, message: (r.errors?.[0]?.message ?? 'failed').split('\n')[0] ?? '' });
        } else entry.skipped += 1;
        targets.set(key, entry);
      }
    }
    const platform = detectPlatform();
    const report = {
      createdAt: new Date().toISOString(),
      platform,
      hardware: Object.fromEntries(Object.values(HIL_ENV).map((v) => [v, process.env[v] ?? null])),
      targets: [...targets.values()],
      gaps: gapsFor(platform.id),
    };
    const file = resolve(process.env.KARANA_HIL_REPORT ?? 'test-results/hil-report.json');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  }
}
