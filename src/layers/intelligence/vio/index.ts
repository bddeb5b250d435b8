/**
 * 6-DoF head tracking by monocular visual-inertial odometry (native MSCKF, `native/crates/vio`) for layer 5:
 * the pure scheduling step ({@link stepVio}) and the edge work handlers that run the estimator
 * ({@link createVioWorkHandlers}). See `docs/vio.md` for the wiring.
 */
export { INITIAL_VIO, VIO_FRAME_WORK, VIO_IMU_WORK, stepVio, type VioStepOutput, type VioStepState, type VioWorkOutput, type VioWorkPayload } from './step.js';
export { createVioWorkHandlers, vioOptionsFromCalibration } from './handler.js';
