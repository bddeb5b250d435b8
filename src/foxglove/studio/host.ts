/**
 * Foxglove Studio in the browser, served by the runtime: a small HTTP host (fastify) for Foxglove Studio 1.48's
 * web build from node_modules (`assets.ts`), with a page of ours (`page.ts`) that opens the runtime's Foxglove
 * WebSocket bridge (`../server.ts`) in a layout of ours (`layout.ts`). Nothing to install on the developer's
 * machine but a browser (Chrome/Chromium: Foxglove's web app targeted Chrome; tested with Debian Chromium).
 *
 * Routes:
 * - `GET /`: the page (index.html, configuration inlined);
 * - `GET /karana-studio.js`: the boot script;
 * - `GET /vendor/react.production.min.js`, `/vendor/react-dom.production.min.js`: React 17 UMD;
 * - `GET /studio/<file>`: `@foxglove/studio-base/assets/<file>` (the bundle and its chunks; flat folder);
 * - `GET /healthz`: `{ ok, studioVersion, foxgloveUrl }`.
 *
 * Source followed: Foxglove Studio 1.48 (github.com/foxglove/studio, MPL-2.0), `packages/studio-base/src/App.tsx`
 * props and `packages/studio-web` start-up; deep-link parameters from `util/appURLState.ts`.
 */
import type { AddressInfo } from 'node:net';
import { basename, dirname } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { findStudioFiles, openStatic, type StudioFiles } from './assets.js';
import { DEFAULT_LAYOUT_TOPICS, karanaLayout, type LayoutTopics, type StudioLayoutData } from './layout.js';
import { BOOT_JS, DEFAULT_STUDIO_SETTINGS, studioHtml, type StudioPageConfig } from './page.js';

/** Default port of the Studio host (the bridge's 8765 + 1). */
export const DEFAULT_STUDIO_PORT = 8766;

export interface StudioHostOptions {
  /** TCP port (default {@link DEFAULT_STUDIO_PORT}; 0: any free port). */
  readonly port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  readonly host?: string;
  /** `ws://` or `wss://` URL of the Foxglove WebSocket bridge the page connects to. */
  readonly foxgloveUrl: string;
  /** Topics of the default layout (default: world camera JPEG, tracked objects, imu0); see `layoutTopicsFor`. */
  readonly topics?: LayoutTopics;
  /** A whole layout instead (Studio 1.48 `LayoutData`, e.g. exported from Studio's layout menu). */
  readonly layout?: StudioLayoutData;
  /** App settings over {@link DEFAULT_STUDIO_SETTINGS} (keys of Studio's `AppSetting`). */
  readonly settings?: Readonly<Record<string, string | number | boolean>>;
}

export interface StudioHostHandle {
  /** `http://host:port/`: open it in a browser. */
  readonly url: string;
  /** Version of @foxglove/studio-base served. */
  readonly studioVersion: string;
  /** Stops listening; idempotent. */
  close(): Promise<void>;
}

/** The layout id in Studio's layout storage and URL. */
const LAYOUT_ID = 'karana-live-view';

/**
 * Serves Foxglove Studio for the bridge at `foxgloveUrl`. Rejects with `StudioNotInstalledError` (naming the npm
 * command) when @foxglove/studio-base or React 17 is missing, with a TypeError for a `foxgloveUrl` that is not a
 * ws:// or wss:// URL, and with an Error naming host and port when it cannot listen.
 */
export async function startStudioHost(options: StudioHostOptions): Promise<StudioHostHandle> {
  const foxgloveUrl = checkWsUrl(options.foxgloveUrl);
  const files = await findStudioFiles();
  const config: StudioPageConfig = {
    foxgloveUrl,
    layoutId: LAYOUT_ID,
    layoutName: 'Kāraṇa live view',
    layout: options.layout ?? karanaLayout(options.topics ?? DEFAULT_LAYOUT_TOPICS),
    settings: { ...DEFAULT_STUDIO_SETTINGS, ...options.settings },
    studioVersion: files.studioVersion,
  };
  const app = Fastify({ logger: false });
  routes(app, files, config);
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? DEFAULT_STUDIO_PORT;
  try {
    await app.listen({ port, host });
  } catch (err) {
    await app.close();
    throw new Error(`Foxglove Studio host cannot listen on ${host}:${port}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const address = app.server.address() as AddressInfo;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | null = null;
  return {
    url: `http://${urlHost}:${address.port}/`,
    studioVersion: files.studioVersion,
    close: () => (closing ??= app.close().then(() => undefined)),
  };
}

function routes(app: FastifyInstance, files: StudioFiles, config: StudioPageConfig): void {
  const html = studioHtml(config);
  app.get('/', (_req, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html));
  app.get('/karana-studio.js', (_req, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-store').send(BOOT_JS));
  const vendor: Record<string, string> = { 'react.production.min.js': files.reactUmd, 'react-dom.production.min.js': files.reactDomUmd };
  app.get<{ Params: { name: string } }>('/vendor/:name', async (req, reply) => {
    const path = vendor[req.params.name];
    const file = path === undefined ? null : await openStatic(dirname(path), basename(path));
    if (file === null) return reply.code(404).send({ error: 'not found', path: req.url });
    return reply.type(file.contentType).header('content-length', file.bytes).header('cache-control', 'no-cache').send(file.body);
  });
  app.get<{ Params: { '*': string } }>('/studio/*', async (req, reply) => {
    const file = await openStatic(files.assetsDir, req.params['*']);
    if (file === null) return reply.code(404).send({ error: 'not found', path: req.url });
    return reply.type(file.contentType).header('content-length', file.bytes).header('cache-control', file.cacheControl).send(file.body);
  });
  app.get('/healthz', () => ({ ok: true, studioVersion: files.studioVersion, foxgloveUrl: config.foxgloveUrl }));
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: 'not found', method: req.method, path: req.url }));
}

function checkWsUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`"foxgloveUrl" must be a ws:// or wss:// URL, got "${value}"`);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new TypeError(`"foxgloveUrl" must be a ws:// or wss:// URL, got "${value}"`);
  return value;
}
