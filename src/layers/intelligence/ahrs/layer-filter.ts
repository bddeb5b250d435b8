/**
 * A layer-5 {@link OrientationFilter} over any of the attitude filters (`filters.ts`): `vqf` (default), `madgwick`,
 * `mahony`, `eskf`; optional magnetometer (used when the IMU has one, `magnetometer: 'auto'`) with disturbance
 * rejection (VQF's own for `vqf`, `mag-gate.ts` in front of the native filters); static initialisation from the first
 * still second (`static-init.ts`). Each update copies the filter state, so the layer's state stays a value.
 */
import { initAttitude } from '../../../../native/index.js';
import type { ImuSamplesEvent } from '../../../bus/topics.js';
import type { Quat, Vec3 } from '../../../math/quat.js';
import type { AhrsStart, AhrsState, OrientationFilter } from '../orientation.js';
import { ahrsBias, ahrsPrevTNs, ahrsQuat, cloneAhrsState, createAhrsState, updateAhrsState, type AhrsFilterKind, type AhrsSettingsByKind } from './filters.js';
import { DEFAULT_MAG_GATE, INITIAL_MAG_GATE, gateMagnetometer, magGateFrom, type MagGateSettings } from './mag-gate.js';
import { DEFAULT_STATIC_INIT, type StaticInitSettings } from './static-init.js';

export interface AhrsFilterOptions<K extends AhrsFilterKind> {
  /** Filter settings (defaults: `DEFAULT_AHRS_SETTINGS[kind]`). */
  readonly settings?: AhrsSettingsByKind[K];
  /** `auto`: use the magnetometer when batches carry one (9D, heading toward magnetic north); `off`: 6D. */
  readonly magnetometer?: 'auto' | 'off';
  /** Magnetic disturbance rejection of the native filters. */
  readonly magGate?: MagGateSettings;
  /** Static initialisation from the first still window; null: start from the first sample only. */
  readonly staticInit?: StaticInitSettings | null;
  /**
   * The IMU's nominal rate, Hz (sets VQF's low-pass coefficients and the native filters' fallback dt). Default: the
   * median rate of the first batch (≥ 2 samples), which then depends slightly on how the stream is batched.
   */
  readonly rateHz?: number;
}

/** Bias standard deviation (`vqf`, ESKF) after a static initialisation (the mean of ≥ 1 s at rest), rad/s. */
const BIAS_SIGMA_FROM_REST_RADPS = 0.002;

/** The orientation filter `kind` for layer 5. @throws Error when a setting is out of range (at the first sample). */
export function ahrsFilter<K extends AhrsFilterKind>(kind: K, options: AhrsFilterOptions<K> = {}): OrientationFilter {
  const useMag = (options.magnetometer ?? 'auto') === 'auto';
  const gate = options.magGate ?? DEFAULT_MAG_GATE;
  const start = (init: AhrsStart): AhrsState => {
    const filter = createAhrsState(kind, init.q_world_body, {
      biasRadps: init.gyroBiasRadps,
      rateHz: options.rateHz ?? init.rateHz,
      ...(options.settings === undefined ? {} : { settings: options.settings }),
      ...(init.fromRest ? { biasSigmaRadps: BIAS_SIGMA_FROM_REST_RADPS } : {}),
    });
    if (filter.kind === 'vqf') filter.s.prevTNs = init.prevTNs;
    else filter.s[4] = init.prevTNs;
    const magGate = init.fromRest && init.magUt != null && useMag ? magGateFrom(init.magUt, init.q_world_body) : INITIAL_MAG_GATE;
    return { q_world_body: init.q_world_body, prevTNs: init.prevTNs, gyroBiasRadps: init.gyroBiasRadps, filter, magGate };
  };
  return {
    name: kind,
    staticInit: options.staticInit === undefined ? DEFAULT_STATIC_INIT : options.staticInit,
    usesMagnetometer: useMag,
    initFromAccel: (accelMps2: Vec3, magUt?: Vec3): Quat => initAttitude(accelMps2, useMag ? magUt : undefined),
    start,
    update(state: AhrsState, batch: ImuSamplesEvent): AhrsState {
      const base = state.filter ?? start({ q_world_body: state.q_world_body, gyroBiasRadps: state.gyroBiasRadps, prevTNs: state.prevTNs, rateHz: options.rateHz ?? 200, fromRest: false }).filter!;
      const filter = cloneAhrsState(base);
      let magGate = state.magGate ?? INITIAL_MAG_GATE;
      let magUt: Float64Array | undefined;
      if (useMag && batch.magUt !== undefined) {
        if (filter.kind === 'vqf') magUt = batch.magUt;
        else {
          const gated = gateMagnetometer(magGate, batch.magUt, batch.tNs, ahrsQuat(filter), gate);
          magUt = gated.magUt;
          magGate = gated.state;
        }
      }
      updateAhrsState(filter, { timestampsNs: batch.tNs, gyroRadps: batch.gyroRadps, accelMps2: batch.accelMps2, ...(magUt === undefined ? {} : { magUt }) });
      return { q_world_body: ahrsQuat(filter), prevTNs: ahrsPrevTNs(filter), gyroBiasRadps: ahrsBias(filter), filter, magGate };
    },
  };
}
