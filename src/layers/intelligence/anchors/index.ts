/**
 * World-locked spatial anchors (layer 5): the store, persistence, placement by triangulation, the view of
 * each anchor in the tracking camera, the layer adapter (commands in, results and views out) and the EuRoC
 * evaluation. See `docs/anchors.md`.
 */
export { compose, fromMatrix4x4, inverse, projectPoint, transformPoint, type PinholeCamera, type Transform } from './geometry.js';
export { EMPTY_ANCHOR_STORE, createAnchor, listAnchors, removeAnchor, type Anchor, type AnchorSpec, type AnchorStore } from './store.js';
export { ANCHOR_FILE_VERSION, AnchorFileError, loadAnchors, parseAnchors, saveAnchors, serializeAnchors } from './persist.js';
export { refineTriangulation, triangulateDlt, triangulateMidpoint, type RayObservation, type Triangulation } from './triangulate.js';
export { placeFromObservations, type Placement, type PlacementOptions, type PixelObservation } from './place.js';
export { SampledPoseSource, poseEventTransform, type PoseSource } from './pose-source.js';
export { cameraPose, createViewCamera, viewAnchors, type ViewCamera } from './view.js';
export { ANCHORS_SAVE_WORK, initialAnchors, newestPose, saveAnchorsWork, stepAnchors, type AnchorOutcome, type AnchorSettings, type AnchorsState, type AnchorsStepOutput, type AnchorStoreCommand } from './step.js';
export { MIN_PIXEL_DEPTH_M, parseAnchorCommand, resolveAnchorCommand, type ParsedCommand } from './commands.js';
export { initialAnchorsLayer, stepAnchorsLayer, type AnchorsLayerOutput, type AnchorsLayerState } from './layer.js';
export { createAnchorsSaveQueue, type AnchorsSaveQueue } from './save-queue.js';
export { ANCHOR_EVAL_DEFAULTS, evaluateAnchorsEuroc, type AnchorEvalOptions, type AnchorEvalResult, type AnchorTrackResult } from './euroc-eval.js';
