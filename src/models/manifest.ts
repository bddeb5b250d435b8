/**
 * Model manifests (`models/<name>/manifest.json`): the file, its sha256, input/output shapes, labels,
 * licence and source. A model is used only after its file matches the manifest's sha256.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { packageRoot } from '../paths.js';

const ManifestSchema = z.object({
  name: z.string(),
  task: z.string(),
  file: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits'),
  bytes: z.number().int().positive(),
  runtime: z.literal('onnxruntime'),
  input: z.object({
    name: z.string(),
    shape: z.array(z.number().int().positive()).length(4),
    channelOrder: z.enum(['RGB', 'BGR']),
    letterbox: z.object({ padValue: z.number().min(0).max(255), align: z.enum(['top-left', 'center']) }),
  }),
  output: z.object({ name: z.string(), shape: z.array(z.number().int().positive()), decode: z.literal('yolox'), strides: z.array(z.number().int().positive()) }),
  labels: z.string(),
  licence: z.string(),
  source: z.string(),
});

export type ModelManifest = z.infer<typeof ManifestSchema>;

export interface LoadedManifest {
  readonly dir: string;
  readonly manifest: ModelManifest;
  readonly modelPath: string;
  readonly labels: readonly string[];
}

/** The package's bundled `models/` directory. */
export function bundledModelsDir(): string {
  return join(packageRoot(), 'models');
}

/**
 * Read and validate `<dir>/manifest.json` and its labels file.
 * Errors name the file and the field (`models/x/manifest.json: input.shape: …`).
 */
export function readManifest(dir: string): LoadedManifest {
  const path = join(resolve(dir), 'manifest.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${path}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid manifest'}`);
  }
  const manifest = parsed.data;
  const labelsPath = join(dirname(path), manifest.labels);
  const labels = readFileSync(labelsPath, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  return { dir: dirname(path), manifest, modelPath: join(dirname(path), manifest.file), labels };
}

/** sha256 of a file, hex. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Throws when the model file is missing or does not match the manifest (naming both hashes). */
export async function verifyModel(m: LoadedManifest): Promise<void> {
  if (!existsSync(m.modelPath)) throw new Error(`${m.modelPath}: model file missing (manifest ${m.dir}/manifest.json)`);
  const actual = await sha256File(m.modelPath);
  if (actual !== m.manifest.sha256) {
    throw new Error(`${m.modelPath}: sha256 ${actual} does not match the manifest's ${m.manifest.sha256}`);
  }
}
