/**
 * The HUD page's static files, served by `server.ts` from memory. The page lives in TypeScript modules
 * that export strings (not `.html`/`.css`/`.js` files) because `tsc` copies no assets into `dist/`: this
 * way the page ships with the compiled package and needs no path lookup, from `src/hud/` under vitest and
 * from `dist/src/hud/` after `tsc` alike.
 */
import { PAGE_CSS } from './css.js';
import { DISPLAY_JS } from './display-js.js';
import { DRAW_JS } from './draw-js.js';
import { PAGE_HTML } from './html.js';
import { INPUT_JS } from './input-js.js';
import { MAIN_JS } from './main-js.js';
import { PROJECT_JS } from './project-js.js';

export interface PageAsset {
  readonly contentType: string;
  readonly body: string;
}

/** `/hud.js`: the drawing, projection, display, input functions and the client in one strict IIFE (classic script, no modules). */
export const HUD_JS = `/* Kāraṇa Edge HUD client (generated from src/hud/page/draw-js.ts, project-js.ts, display-js.ts, input-js.ts and main-js.ts). */
(function () {
'use strict';
${DRAW_JS}
${PROJECT_JS}
${DISPLAY_JS}
${INPUT_JS}
${MAIN_JS}
})();
`;

/** URL path → file. */
export const PAGE_ASSETS: ReadonlyMap<string, PageAsset> = new Map([
  ['/', { contentType: 'text/html; charset=utf-8', body: PAGE_HTML }],
  ['/hud.js', { contentType: 'text/javascript; charset=utf-8', body: HUD_JS }],
  ['/hud.css', { contentType: 'text/css; charset=utf-8', body: PAGE_CSS }],
]);
