/**
 * The page of the Studio host: an index.html of ours and the boot script that renders Foxglove Studio's `App`
 * (the web host of Foxglove Studio 1.48 did the same in `packages/studio-web`; this is our own, smaller one).
 *
 * Load order: React 17 and ReactDOM 17 UMD (globals `React`, `ReactDOM`) → `studio/index.js` (its UMD wrapper
 * takes them as `window.react` and `window["react-dom"]`, aliased first, and puts every export of
 * @foxglove/studio-base on `window`: `App`, `FoxgloveWebSocketDataSourceFactory`, …) →
 * `karana-studio.js`, which:
 *
 * 1. reads the host's configuration (`<script type="application/json" id="karana-studio-config">`): the
 *    Foxglove WebSocket URL of the bridge, the layout, the app settings;
 * 2. completes the page URL with Studio's deep-link parameters when they are absent
 *    (`ds=foxglove-websocket&ds.url=<bridge>&layoutId=<ours>`, `util/appURLState.ts` of 1.48), so Studio opens the
 *    connection and the layout by itself, and a link with other `ds.*` parameters still works;
 * 3. runs Studio's start-up (`overwriteFetch`, `waitForFonts`, `initI18n`) and renders `App` with the
 *    Foxglove WebSocket and local MCAP data sources, app settings in localStorage (`karana.studio.<key>`, our
 *    defaults underneath), and an in-memory layout storage holding our layout (edits last until reload);
 * 4. reports a start-up failure on the page (`#karana-studio-error`) instead of leaving it blank.
 */

/** What the boot script receives from the host. */
export interface StudioPageConfig {
  /** `ws://host:port` of the Foxglove WebSocket bridge. */
  readonly foxgloveUrl: string;
  /** Layout id in Studio's layout storage, and in the `layoutId` URL parameter. */
  readonly layoutId: string;
  readonly layoutName: string;
  /** Studio 1.48 `LayoutData`. */
  readonly layout: unknown;
  /** App settings (keys of Studio's `AppSetting`) used until the user changes them. */
  readonly settings: Readonly<Record<string, string | number | boolean>>;
  /** Studio version served, for the page title. */
  readonly studioVersion: string;
}

/** Default app settings: dark theme, no launch/sign-in/open-file prompts, no telemetry or update checks. */
export const DEFAULT_STUDIO_SETTINGS: Readonly<Record<string, string | number | boolean>> = {
  colorScheme: 'dark',
  timezone: 'UTC',
  'time.format': 'SEC',
  messageRate: 30,
  'updates.enabled': false,
  'telemetry.telemetryEnabled': false,
  'telemetry.crashReportingEnabled': false,
  hideSignInPrompt: true,
  launchPreference: 'web',
  'ui.open-dialog-startup': false,
  enableNewTopNav: true,
};

/** index.html: loads React, Studio and the boot script; the configuration is inlined as JSON. */
export function studioHtml(config: StudioPageConfig): string {
  // `<` escaped so no string in the JSON can close the script element.
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Kāraṇa live view · Foxglove Studio ${escapeHtml(config.studioVersion)}</title>
<style>html,body,#root{height:100%;margin:0;background:#15151a}#karana-studio-error{display:none;position:fixed;inset:0;padding:24px;color:#f5515f;background:#15151a;font:14px/1.5 monospace;white-space:pre-wrap;z-index:99999}</style>
<script type="application/json" id="karana-studio-config">${json}</script>
</head>
<body>
<div id="root"></div>
<pre id="karana-studio-error"></pre>
<script src="/vendor/react.production.min.js"></script>
<script src="/vendor/react-dom.production.min.js"></script>
<script>window.react = window.React; window['react-dom'] = window.ReactDOM; // the bundle's UMD externals</script>
<script src="/studio/index.js"></script>
<script src="/karana-studio.js"></script>
</body>
</html>
`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
}

/** The boot script (browser JavaScript, no build step). */
export const BOOT_JS = String.raw`'use strict';
(function () {
  const errorBox = document.getElementById('karana-studio-error');
  function fail(what, err) {
    const text = 'Kāraṇa live view: ' + what + ': ' + (err && err.stack ? err.stack : String(err));
    errorBox.textContent = text;
    errorBox.style.display = 'block';
    console.error(text);
  }
  let config;
  try {
    config = JSON.parse(document.getElementById('karana-studio-config').textContent);
  } catch (err) {
    fail('bad host configuration', err);
    return;
  }
  if (typeof window.App !== 'function' || typeof window.React !== 'object' || typeof window.ReactDOM !== 'object') {
    fail('Foxglove Studio did not load', new Error('window.App, React or ReactDOM missing: check /studio/index.js and /vendor/*.js'));
    return;
  }

  // The bridge on a loopback or wildcard address, the page opened from another machine: the bridge is on the
  // machine that served the page.
  let wsUrl = config.foxgloveUrl;
  const LOCAL = ['127.0.0.1', 'localhost', '0.0.0.0', '[::1]', '[::]'];
  const bridge = new URL(wsUrl);
  if (LOCAL.includes(bridge.hostname) && !LOCAL.includes(window.location.hostname)) {
    bridge.hostname = window.location.hostname;
    wsUrl = bridge.href.replace(/\/$/, '');
  }

  // Deep link: open our bridge and layout unless the URL says otherwise.
  const url = new URL(window.location.href);
  if (!url.searchParams.has('ds')) {
    url.searchParams.set('ds', 'foxglove-websocket');
    url.searchParams.set('ds.url', wsUrl);
  }
  if (!url.searchParams.has('layoutId')) url.searchParams.set('layoutId', config.layoutId);
  window.history.replaceState(null, '', url.href);

  // App settings: localStorage over our defaults (Studio's IAppConfiguration).
  const PREFIX = 'karana.studio.';
  const listeners = new Map();
  const appConfiguration = {
    get(key) {
      const stored = window.localStorage.getItem(PREFIX + key);
      if (stored !== null) {
        try { return JSON.parse(stored); } catch (err) { return undefined; }
      }
      return config.settings[key];
    },
    async set(key, value) {
      if (value === undefined) window.localStorage.removeItem(PREFIX + key);
      else window.localStorage.setItem(PREFIX + key, JSON.stringify(value));
      for (const cb of listeners.get(key) || []) cb(value);
    },
    addChangeListener(key, cb) {
      if (!listeners.has(key)) listeners.set(key, new Set());
      listeners.get(key).add(cb);
    },
    removeChangeListener(key, cb) {
      if (listeners.has(key)) listeners.get(key).delete(cb);
    },
  };

  // Layout storage in memory (Studio's ILayoutStorage), seeded with our layout in the local namespace.
  const namespaces = new Map();
  const space = (ns) => {
    if (!namespaces.has(ns)) namespaces.set(ns, new Map());
    return namespaces.get(ns);
  };
  space('local').set(config.layoutId, {
    id: config.layoutId,
    name: config.layoutName,
    permission: 'CREATOR_WRITE',
    baseline: { data: config.layout, savedAt: new Date(0).toISOString() },
    working: undefined,
    syncInfo: undefined,
  });
  const layoutStorage = {
    async list(ns) { return [...space(ns).values()]; },
    async get(ns, id) { return space(ns).get(id); },
    async put(ns, layout) { space(ns).set(layout.id, layout); return layout; },
    async delete(ns, id) { space(ns).delete(id); },
    async migrateUnnamespacedLayouts() {},
    async importLayouts({ fromNamespace, toNamespace }) {
      for (const layout of space(fromNamespace).values()) space(toNamespace).set(layout.id, layout);
    },
  };

  // Our layout comes configured: no "open settings" onboarding tooltips on its panels (Studio's user profile
  // in localStorage, key of UserProfileLocalStorageProvider), unless the profile already has onboarding state.
  try {
    const profile = JSON.parse(window.localStorage.getItem('studio.profile-data') || '{}');
    if (profile.onboarding === undefined) {
      profile.onboarding = { settingsTooltipShownForPanelTypes: ['3D', 'ImageViewPanel', 'Plot', 'RosOut', 'RawMessages'] };
      window.localStorage.setItem('studio.profile-data', JSON.stringify(profile));
    }
  } catch (err) {
    console.warn('Kāraṇa live view: user profile not updated', err);
  }
  // First visit: the panels get the whole window (the workspace store Studio persists as "fox.workspace",
  // WorkspaceContextProvider); the connection shows in the app bar; the sidebars open from it.
  if (window.localStorage.getItem('fox.workspace') === null) {
    window.localStorage.setItem('fox.workspace', JSON.stringify({ state: { leftSidebarOpen: false, rightSidebarOpen: false, sidebarItem: undefined }, version: 0 }));
  }

  async function start() {
    window.overwriteFetch();
    await window.waitForFonts();
    await window.initI18n();
    const dataSources = [new window.FoxgloveWebSocketDataSourceFactory(), new window.McapLocalDataSourceFactory()];
    const app = window.React.createElement(window.App, {
      deepLinks: [url.href],
      dataSources,
      appConfiguration,
      layoutStorage,
      extensionLoaders: [],
      enableGlobalCss: true,
    });
    window.ReactDOM.render(app, document.getElementById('root'));
    window.karanaStudio = { config, started: true };
  }
  start().catch((err) => fail('Foxglove Studio failed to start', err));
})();
`;
