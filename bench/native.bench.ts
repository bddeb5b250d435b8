/**
 * The native core against the peers a user would pick instead (OpenCV, opencv.js, sharp + JS, the `ahrs`
 * npm package, cv2.dnn.NMSBoxes), every figure and ratio in one run: `karana bench native --json`.
 * Areas (`bench/native/*.ts`) run one after the other in this process; then the leak check calls every
 * kernel 10⁶ times (10⁵ with `--quick`) and reports RSS growth (target ≤ 5 %).
 */
import type { BenchOptions, BenchResult, BenchSuite, Figure } from './harness.js';
import { leakCheck, leakFigures } from './native/leak.js';
import { createMachine } from './native/machine.js';
import type { BenchArea } from './native/types.js';

/** The areas, in run order; each module default-exports a {@link BenchArea}. */
const AREAS = ['image', 'features', 'detect', 'tracking', 'phase'];

async function loadAreas(): Promise<BenchArea[]> {
  const out: BenchArea[] = [];
  for (const name of AREAS) {
    try {
      const mod = (await import(`./native/${name}.js`)) as { default: BenchArea };
      out.push(mod.default);
    } catch (err) {
      if ((err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw err;
    }
  }
  return out;
}

const suite: BenchSuite = {
  name: 'native',
  async run(options: BenchOptions): Promise<BenchResult> {
    const machine = createMachine();
    const figures: Record<string, Figure> = {};
    const ratios: Record<string, number> = {};
    const notes: string[] = [];
    figures['machine.memcpy.64MiB'] = { value: machine.memcpyBytesPerS(64 * 2 ** 20) / 1e9, unit: 'GB/s' };
    figures['machine.memcpy.4MiB'] = { value: machine.memcpyBytesPerS(4 * 2 ** 20) / 1e9, unit: 'GB/s' };
    const areas = await loadAreas();
    for (const area of areas) {
      process.stderr.write(`native: ${area.name}…\n`);
      const r = await area.bench(options, machine);
      for (const [k, v] of Object.entries(r.figures)) figures[`${area.name}.${k}`] = v;
      for (const [k, v] of Object.entries(r.ratios)) ratios[`${area.name}.${k}`] = v;
      for (const n of r.notes ?? []) notes.push(`${area.name}: ${n}`);
    }
    const calls = options.quick ? 100_000 : 1_000_000;
    for (const area of areas) {
      for (const [name, call] of Object.entries(await area.leakCases(options))) {
        Object.assign(figures, leakFigures(`${area.name}.${name}`, await leakCheck(name, call, calls)));
      }
    }
    return {
      name: 'native',
      description: 'native core kernels against OpenCV, opencv.js, sharp + JS and npm peers on real data, one run; leak check',
      figures,
      ratios,
      notes,
    };
  },
};

export default suite;
