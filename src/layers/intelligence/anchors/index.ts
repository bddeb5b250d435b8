/**
 * World-locked spatial anchors (layer 5): the store, persistence, placement by triangulation, the view of
 * each anchor in the tracking camera, the layer adapter and the EuRoC evaluation. See `docs/anchors.md`.
 */
export { compose, fromMatrix4x4, inverse, projectPoint, transformPoint, type PinholeCamera, type Transform } from './geometry.js';
export { EMPTY_ANCHOR_STORE, createAnchor, listAnchors, removeAnchor, type Anchor, type AnchorSpec, type AnchorStore } from './store.js';
export { ANCHOR_FILE_VERSION, AnchorFileError, loadAnchors, parseAnchors, saveAnchors, serializeAnchors } from './persist.js';
export { refineTriangulation, triangulateDlt, triangulateMidpoint, type RayObservation, type Triangulation } from './triangulate.js';
export { placeFromObservations, type Placement, type PlacementOptions, type PixelObservation } from './place.js';
export { SampledPoseSource, poseEventTransform, type PoseSource } from './pose-source.js';
export { cameraPose, createViewCamera, viewAnchors, type ViewCamera } from './view.js';
export { ANCHORS_SAVE_WORK, initialAnchors, saveAnchorsWork, stepAnchors, type AnchorCommand, type AnchorSettings, type AnchorsState, type AnchorsStepOutput } from './step.js';
export { ANCHOR_EVAL_DEFAULTS, evaluateAnchorsEuroc, type AnchorEvalOptions, type AnchorEvalResult, type AnchorTrackResult } from './euroc-eval.js';
