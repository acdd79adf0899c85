// Every model the app can use: the bundles it ships (resources/models, read-only) and the ones the user trained
// (a folder in the user-data folder, never inside the installed app), each listed with its card or, when it is
// broken (a missing or corrupt file, an interrupted write), with the reason — never loaded then. A user model is
// known by its folder name; names never shadow a shipped model's. Rename and delete touch only folders that hold
// a Molscape bundle inside the user's models folder, with their run folder.
import fs from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { BUNDLE_FORMAT, declaredBundleFormat, verifyBundle } from '../../models/vae/bundle.ts';
import type { BundleManifest } from '../../models/vae/bundle.ts';
import type { HoldoutFigures, ModelInfo } from '../api/contract.ts';
import { ModelName } from '../api/contract.ts';
import { DEFAULT_MODEL_NAME, modelsDir } from './model-path.ts';
import { CARD_FILES, readCardFigures } from './report-card-files.ts';

/**
 * The per-user data folder: where Electron's app.getPath('userData') points for "Molscape" on macOS and
 * Windows; the XDG data folder (~/.local/share) on Linux.
 */
export function userDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = homedir()): string {
  if (platform === 'win32') return path.win32.join(env.APPDATA || path.win32.join(home, 'AppData', 'Roaming'), 'Molscape');
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', 'Molscape');
  const base = env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : path.join(home, '.local', 'share');
  return path.join(base, 'Molscape');
}

/** Where trained models are kept: $MOLSCAPE_MODELS_DIR, else <user data>/models. */
export function defaultUserModelsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.MOLSCAPE_MODELS_DIR && path.isAbsolute(env.MOLSCAPE_MODELS_DIR) ? env.MOLSCAPE_MODELS_DIR : path.join(userDataDir(env), 'models');
}

const isWorkFolder = (name: string) => name.includes('.tmp-') || name.includes('.old-') || name.endsWith('.run') || name.startsWith('.');

export class ModelRegistry {
  constructor(
    /** the user's trained models; null: none (a host without a user-data folder) */
    readonly userDir: string | null,
    readonly shippedDir: string = modelsDir(),
  ) {}

  private shippedNames(): string[] {
    return fs.existsSync(this.shippedDir) ? fs.readdirSync(this.shippedDir, { withFileTypes: true }).filter((d) => d.isDirectory() && !isWorkFolder(d.name)).map((d) => d.name) : [];
  }

  private userNames(): string[] {
    if (!this.userDir || !fs.existsSync(this.userDir)) return [];
    return fs.readdirSync(this.userDir, { withFileTypes: true }).filter((d) => d.isDirectory() && !isWorkFolder(d.name)).map((d) => d.name);
  }

  /** A model name or a folder path to a bundle folder; nothing: the shipped default. Unknown names throw. */
  resolve(ref?: string): string {
    if (!ref) return path.join(this.shippedDir, DEFAULT_MODEL_NAME);
    if (ref.includes('/') || ref.includes('\\') || ref.startsWith('.')) return path.resolve(ref);
    const shipped = path.join(this.shippedDir, ref);
    if (fs.existsSync(shipped)) return shipped;
    if (this.userDir) {
      const user = path.join(this.userDir, ref);
      if (fs.existsSync(user)) return user;
    }
    const known = [...this.shippedNames(), ...this.userNames()];
    throw new Error(`There is no model named '${ref}'. Models: ${known.join(', ') || 'none'}.`);
  }

  /** The folder a new user model of this name goes to (refused when the name is taken or not a name). */
  newModelDir(name: string): string {
    const parsed = ModelName.safeParse(name);
    if (!parsed.success) throw new Error(`'${name}' cannot name a model: ${parsed.error.issues[0]?.message}`);
    if (!this.userDir) throw new Error('this app has no folder for trained models');
    if (this.shippedNames().includes(name)) throw new Error(`'${name}' is the name of a model shipped with the app; choose another`);
    return path.join(this.userDir, name);
  }

  list(active?: string): ModelInfo[] {
    const activeName = active ?? DEFAULT_MODEL_NAME;
    const shipped = this.shippedNames().map((n) => modelInfo(path.join(this.shippedDir, n), n, 'shipped', activeName));
    const user = this.userNames().map((n) => modelInfo(path.join(this.userDir!, n), n, 'user', activeName));
    return [...shipped, ...user];
  }

  info(name: string, active?: string): ModelInfo {
    const found = this.list(active).find((m) => m.name === name);
    if (!found) throw new Error(`There is no model named '${name}'.`);
    return found;
  }

  private userModel(name: string): string {
    const m = this.info(name);
    if (m.source !== 'user') throw new Error(`'${name}' is shipped with the app and cannot be changed`);
    return m.dir;
  }

  rename(name: string, newName: string): void {
    const dir = this.userModel(name);
    const target = this.newModelDir(newName);
    if (fs.existsSync(target) || fs.existsSync(`${target}.run`)) throw new Error(`there is already a model named '${newName}'`);
    fs.renameSync(dir, target);
    if (fs.existsSync(`${dir}.run`)) fs.renameSync(`${dir}.run`, `${target}.run`);
  }

  delete(name: string): void {
    const dir = this.userModel(name);
    // only a folder Molscape made: a bundle (or what is left of one: a manifest of our format or none at all
    // with only our files), never anything else a user put there
    // the manifest read with a bundle's bounds (never a link, FIFO or device); none readable: only our files
    const format = declaredBundleFormat(dir);
    const ours = format !== null ? format === BUNDLE_FORMAT : fs.readdirSync(dir).every((f) => /\.(onnx|json|bin)$/.test(f) || CARD_FILES.includes(f) || f.includes('.tmp'));
    if (!ours) throw new Error(`${dir} does not look like a Molscape model; it was left alone`);
    fs.rmSync(dir, { recursive: true, force: true });
    const run = `${dir}.run`;
    if (fs.existsSync(path.join(run, 'run.json'))) fs.rmSync(run, { recursive: true, force: true });
  }
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** A few figures of a manifest's metrics worth a card (name → value). */
function cardMetrics(m: BundleManifest['metrics']): Record<string, number> {
  const out: Record<string, number> = {};
  const e = (m.evaluate ?? {}) as Record<string, Record<string, unknown>>;
  const put = (k: string, v: unknown) => {
    const n = num(v);
    if (n !== null) out[k] = n;
  };
  put('reconstruction', e.reconstruction?.exact);
  put('reconstructionMolecules', e.reconstruction?.molecules);
  put('priorValidityGreedy', e.prior?.validity);
  put('priorValidityValidFirst', (e.validFirst as Record<string, unknown> | undefined)?.validity);
  put('uniqueness', e.prior?.uniqueness);
  put('novelty', e.prior?.novelty);
  put('reconstructionStringExact', (m.reconstructionStringExact as Record<string, unknown> | undefined)?.value);
  put('priorSyntaxValidGreedy', (m.priorSyntaxValidGreedy as Record<string, unknown> | undefined)?.value);
  return out;
}

function folderBytes(dir: string): number {
  let total = 0;
  for (const f of fs.readdirSync(dir, { withFileTypes: true })) if (f.isFile()) total += fs.statSync(path.join(dir, f.name)).size;
  return total;
}

export function modelInfo(dir: string, name: string, source: ModelInfo['source'], activeName: string): ModelInfo {
  const base: ModelInfo = {
    name, dir, source, version: null, trainingSteps: null, latent: null, properties: [], createdAt: null,
    isDefault: source === 'shipped' && name === DEFAULT_MODEL_NAME, active: false, problem: null, card: null,
  };
  let manifest: BundleManifest;
  let manifestSha256: string;
  try {
    ({ manifest, manifestSha256 } = verifyBundle(dir));
  } catch (e) {
    return { ...base, problem: (e as Error).message };
  }
  const a = manifest.architecture;
  const holdout = manifest.metrics.holdout as { before: HoldoutFigures | null; after: HoldoutFigures } | undefined;
  return {
    ...base,
    version: manifest.version, trainingSteps: manifest.training.steps, latent: a.latent, properties: manifest.propertyNormalization?.names ?? [],
    createdAt: manifest.createdAt, active: name === activeName,
    card: {
      trainedOn: { file: manifest.training.data.file, molecules: manifest.training.data.molecules, sha256: manifest.training.data.sha256 },
      baseModel: manifest.base ? { name: manifest.base.name, sha256: manifest.base.sha256 } : null,
      vocabularySize: manifest.vocabulary.tokens.length,
      addedTokens: manifest.base?.addedTokens.map((t) => t.token) ?? [],
      architecture: `SMILES GRU VAE: embedding ${a.embedding}, encoder 2×${a.encoderHidden}, latent ${a.latent}, decoder ${a.decoderHidden}, property head ${a.properties.join('/') || 'none'}`,
      bytes: folderBytes(dir),
      holdout: holdout?.after ? { before: holdout.before ?? null, after: holdout.after } : null,
      // the report card beside the bundle (report-card-files.ts), when it was measured on this very manifest
      metrics: { ...cardMetrics(manifest.metrics), ...readCardFigures(dir, manifestSha256) },
    },
  };
}
