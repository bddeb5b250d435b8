/**
 * Pose prediction to display time (layer 5): models, the gyro window, the layer adapter and the offline
 * evaluation on a real head trajectory. See `docs/prediction.md`.
 */
export { PREDICTION_MODELS, predictPose, rotationIncrement, type MotionState, type PredictedPose, type PredictionModel } from './predictor.js';
export { EMPTY_GYRO_WINDOW, estimateRate, pushGyro, type GyroWindow, type RateEstimate } from './gyro-window.js';
export { INITIAL_PREDICTION, PREDICTION_DEFAULTS, stepPrediction, type PredictionSettings, type PredictionState } from './step.js';
export { angularDistanceRad, boxPlus, expSo3, logSo3 } from './so3.js';
export { loadAriaTrajectory, parseAriaTrajectory, type HeadTrajectory } from './aria-trajectory.js';
export { evaluatePrediction, type ErrorStats, type PredictionEvalOptions, type PredictionEvalResult } from './evaluate.js';
