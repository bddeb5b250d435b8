/**
 * Foxglove Studio in the browser, no install: a host serving Foxglove Studio 1.48's web build (MPL-2.0, from
 * npm) that opens the runtime's Foxglove WebSocket live view in a layout of ours (docs/foxglove.md).
 */
export { findStudioFiles, STUDIO_INSTALL_COMMAND, StudioNotInstalledError, type StudioFiles } from './assets.js';
export { DEFAULT_STUDIO_PORT, startStudioHost, type StudioHostHandle, type StudioHostOptions } from './host.js';
export { DEFAULT_LAYOUT_TOPICS, karanaLayout, layoutTopicsFor, type LayoutTopics, type StudioLayoutData } from './layout.js';
export { DEFAULT_STUDIO_SETTINGS } from './page.js';
export { addStudioOptions, foxglovePortFor, startStudioForRun, type StudioCliOptions } from './options.js';
