/**
 * Where Foxglove Studio's web build and React live on disk, and how one of their files is served.
 *
 * - Foxglove Studio: `@foxglove/studio-base@1.48.0` (MPL-2.0), the last open-source Foxglove Studio, published on
 *   npm with a prebuilt webpack UMD bundle: `assets/index.js` (≈ 56 MB) and ≈ 90 lazily loaded chunks, wasm
 *   modules, fonts and images in the same flat `assets/` folder. The bundle takes its public path from its own
 *   `<script src>` (webpack's automatic `publicPath`), so `assets/` is served under one URL folder and the chunks
 *   resolve next to `index.js`. It expects React and ReactDOM as the globals `React`/`ReactDOM` (UMD externals
 *   `react`, `react-dom`), version 17 (the version its own build used).
 * - React 17: `react/umd/react.production.min.js`, `react-dom/umd/react-dom.production.min.js`.
 *
 * They are development dependencies: a missing one is a {@link StudioNotInstalledError} naming the install command.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import type { Readable } from 'node:stream';

/** The npm command that installs what the host serves. */
export const STUDIO_INSTALL_COMMAND = 'npm i -D @foxglove/studio-base@1.48.0 react@17.0.2 react-dom@17.0.2';

/** The Foxglove Studio web build or React 17 is not installed (or not the version the host serves). */
export class StudioNotInstalledError extends Error {
  constructor(detail: string) {
    super(`Foxglove Studio's web build is not installed: ${STUDIO_INSTALL_COMMAND} (${detail})`);
    this.name = 'StudioNotInstalledError';
  }
}

/** Absolute paths of what the host serves. */
export interface StudioFiles {
  /** `@foxglove/studio-base/assets`: `index.js` and its chunks. */
  readonly assetsDir: string;
  /** Version of @foxglove/studio-base found. */
  readonly studioVersion: string;
  readonly reactUmd: string;
  readonly reactDomUmd: string;
}

/**
 * Finds @foxglove/studio-base (1.x with `assets/index.js`) and React/ReactDOM 17 UMD builds, resolving from
 * `from` (a file path or URL; default this module, i.e. the project's node_modules). Throws
 * {@link StudioNotInstalledError} naming what is missing.
 */
export async function findStudioFiles(from: string | URL = import.meta.url): Promise<StudioFiles> {
  const require = createRequire(from);
  const packageDir = (name: string): { dir: string; version: string } => {
    let file: string;
    try {
      file = require.resolve(`${name}/package.json`);
    } catch {
      throw new StudioNotInstalledError(`${name} not found`);
    }
    const version = (require(file) as { version?: unknown }).version;
    return { dir: dirname(file), version: typeof version === 'string' ? version : '?' };
  };
  const studio = packageDir('@foxglove/studio-base');
  const react = packageDir('react');
  const reactDom = packageDir('react-dom');
  if (!react.version.startsWith('17.') || !reactDom.version.startsWith('17.')) {
    throw new StudioNotInstalledError(`Foxglove Studio 1.x runs on React 17, found react ${react.version} and react-dom ${reactDom.version}`);
  }
  const files: StudioFiles = {
    assetsDir: join(studio.dir, 'assets'),
    studioVersion: studio.version,
    reactUmd: join(react.dir, 'umd', 'react.production.min.js'),
    reactDomUmd: join(reactDom.dir, 'umd', 'react-dom.production.min.js'),
  };
  for (const f of [join(files.assetsDir, 'index.js'), files.reactUmd, files.reactDomUmd]) {
    if (!(await isFile(f))) throw new StudioNotInstalledError(`${f} is missing`);
  }
  return files;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};

/** A file to send: its stream, length, type and cache policy. */
export interface StaticFile {
  readonly body: Readable;
  readonly bytes: number;
  readonly contentType: string;
  readonly cacheControl: string;
}

/**
 * Opens `name` in the flat folder `dir` for sending, or null when it is not a plain file name there (no
 * folders, no `..`) or does not exist. Content-hashed chunk names are cached for good; `index.js`, whose name
 * stays across versions, is revalidated.
 */
export async function openStatic(dir: string, name: string): Promise<StaticFile | null> {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name) || name.includes('..')) return null;
  const path = join(dir, name);
  let bytes: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) return null;
    bytes = s.size;
  } catch {
    return null;
  }
  const hashed = /[.][0-9a-f]{16,}[.]/.test(name) || /^[0-9a-f]{16,}[.]/.test(name);
  return {
    body: createReadStream(path),
    bytes,
    contentType: CONTENT_TYPES[extname(name)] ?? 'application/octet-stream',
    cacheControl: hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
  };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
