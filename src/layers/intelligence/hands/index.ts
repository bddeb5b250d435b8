/**
 * Hands (layer 5): hand boxes and 21 landmarks on world-camera frames (`hands.detected`) and pinch / point
 * gestures with start and end phases (`gesture.detected`). See docs/hands.md.
 */
export { HandLandmarker, MAX_RESTARTS, type HandBackend, type HandLandmarkerOptions, type HandLandmarkerStats } from './hand-landmarker.js';
export { HANDS_WORK, INITIAL_HANDS, handsEmits, handsWorkHandler, stepHands, type HandsOutput, type HandsState, type HandsStepOutput } from './hands-stage.js';
export { DEFAULT_GESTURE_SETTINGS, INITIAL_GESTURES, classifyGesture, stepGestures, type GestureKind, type GestureSettings, type GestureState } from './gestures.js';
export { handPose, handSizePx, pinchRatio, type HandPose, type Landmark } from './hand-geometry.js';
