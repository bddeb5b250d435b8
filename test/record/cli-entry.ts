/**
 * `karana record` as a separate process for the crash tests: the `record` command registered on a bare
 * commander program, exactly as `src/cli/main.ts` registers it. Run through Vite's module runner (TypeScript
 * sources, no build): `node -e "…runnerImport('test/record/cli-entry.ts')" record --out f.mcap …`.
 */
import { Command } from 'commander';
import { registerRecordCommand } from '../../src/cli/record.js';

const program = new Command().name('karana');
registerRecordCommand(program);
try {
  await program.parseAsync(process.argv.slice(1), { from: 'user' });
} catch (err) {
  process.stderr.write(`karana: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
