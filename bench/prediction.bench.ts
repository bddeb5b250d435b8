/**
 * Pose prediction to display time on real head motion (Project Aria MPS trajectory, ~1 kHz, 12.3 s;
 * ../shared/data/aria_head_trajectory, see its PROVENANCE.md): angular error p50/p95/max of each model
 * at Δ = 10, 20, 30, 50 ms against the pose actually reached, at a 1 kHz and a 200 Hz IMU grid, with
 * BMI088-class gyro noise (0.014 °/s/√Hz, seeded) added to the recorded rate; ratios against the peer a
 * runtime without prediction has: the last pose, unpredicted (`hold`). Then the cost per call of the
 * predictor and of the layer step (tinybench).
 */
import { join } from 'node:path';
import type { ImuSamplesEvent, PoseEvent } from '../src/bus/topics.js';
import { BMI088_GYRO_NOISE_DENSITY_RADPS_PER_SQRT_HZ } from '../src/layers/intelligence/prediction/gyro-noise.js';
import {
  INITIAL_PREDICTION,
  PREDICTION_DEFAULTS,
  PREDICTION_MODELS,
  evaluatePrediction,
  loadAriaTrajectory,
  predictPose,
  stepPrediction,
  type MotionState,
} from '../src/layers/intelligence/prediction/index.js';
import { timeTasks, type BenchOptions, type BenchResult, type BenchSuite, type Figure } from './harness.js';

const HORIZONS_MS = [10, 20, 30, 50];

const suite: BenchSuite = {
  name: 'prediction',
  async run(options: BenchOptions): Promise<BenchResult> {
    const figures: Record<string, Figure> = {};
    const ratios: Record<string, number> = {};
    const notes: string[] = [];
    if (options.sharedDataDir === undefined) {
      notes.push('../shared/data not found: accuracy figures skipped (the Aria trajectory is not bundled)');
    } else {
      const traj = await loadAriaTrajectory(join(options.sharedDataDir, 'aria_head_trajectory/trajectory/closed_loop_trajectory.csv'));
      for (const imuRateHz of [1000, 200]) {
        const r = evaluatePrediction(traj, {
          horizonsMs: HORIZONS_MS,
          imuRateHz,
          models: PREDICTION_MODELS,
          alphaWindowS: PREDICTION_DEFAULTS.alphaWindowS,
          gyroNoise: { densityRadpsPerSqrtHz: BMI088_GYRO_NOISE_DENSITY_RADPS_PER_SQRT_HZ, seed: 5 },
        });
        for (const h of r.horizons) {
          for (const [model, s] of Object.entries(h.byModel)) {
            const key = `imu${imuRateHz}Hz.${h.horizonMs}ms.${model}`;
            figures[`${key}.p50`] = { value: s.p50Deg, unit: 'deg' };
            figures[`${key}.p95`] = { value: s.p95Deg, unit: 'deg' };
            figures[`${key}.max`] = { value: s.maxDeg, unit: 'deg' };
            if (model !== 'hold') ratios[`imu${imuRateHz}Hz.${h.horizonMs}ms.hold/${model}.p95`] = (h.byModel.hold?.p95Deg ?? 0) / s.p95Deg;
          }
        }
        notes.push(`${imuRateHz} Hz grid: ${r.imuSamples} predictions per horizon`);
      }
      notes.push('ratio hold/model > 2 at 20 ms is the acceptance (p95 at most half the unpredicted pose’s)');
    }
    const state: MotionState = { q_world_body: [0.9, 0.1, -0.3, 0.2], omegaBodyRadps: [1.2, -0.4, 0.7], alphaBodyRadps2: [-8, 5, 12], p_world_body_m: [1, 2, 3], v_world_mps: [0.5, 0, -1] };
    const imu: ImuSamplesEvent = { deviceId: 'imu0', count: 5, tNs: Float64Array.from([1, 2, 3, 4, 5], (i) => i * 1e6), gyroRadps: new Float64Array(15).fill(0.5), accelMps2: new Float64Array(15) };
    const vio: PoseEvent = { tNs: 0, source: 'vio', q_world_body: [1, 0, 0, 0], p_world_body_m: [0, 0, 0], v_world_mps: [1, 0, 0] };
    let stepState = stepPrediction(INITIAL_PREDICTION, [imu], [vio], 5e6).state;
    let t = 5e6;
    const timings = await timeTasks(
      {
        'predict.constant-velocity': () => predictPose(state, 0.02, 'constant-velocity'),
        'predict.constant-acceleration': () => predictPose(state, 0.02, 'constant-acceleration'),
        'step.5-samples-per-call': () => {
          t += 5e6;
          const batch = { ...imu, tNs: imu.tNs.map((x) => x + t) };
          stepState = stepPrediction(stepState, [batch], [], t).state;
        },
      },
      { timeMs: options.quick ? 100 : 1000 },
    );
    for (const x of timings) {
      figures[`cost.${x.name}.mean`] = { value: x.meanNs, unit: 'ns' };
      figures[`cost.${x.name}.p99`] = { value: x.p99Ns, unit: 'ns' };
    }
    return {
      name: 'prediction',
      description: 'head-pose prediction on the Aria trajectory: angular error per model and horizon vs the unpredicted pose; cost per call',
      figures,
      ratios,
      notes,
    };
  },
};

export default suite;
