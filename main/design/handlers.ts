// The contract's model calls (models.*, latent.*) over main/design. Bundles are loaded once per folder and
// kept until close(); a bad model reference or a bundle that fails its checks is a 400 with the reason.
import fs from 'node:fs';
import path from 'node:path';
import type { Handlers, Job, ModelInfo } from '../api/contract.ts';
import { verifyBundle } from '../../models/vae/bundle.ts';
import { Vocabulary } from '../../models/vae/tokenizer.ts';
import { loadRDKit } from '../chem/rdkit.ts';
import { badRequest } from '../handlers/errors.ts';
import { designContext } from './design-context.ts';
import type { DesignContext, InWorkspace } from './design-context.ts';
import { listDirections } from './directions.ts';
import { doctor } from './doctor.ts';
import { interpolate } from './interpolate.ts';
import { DEFAULT_MODEL_NAME, modelsDir, resolveModelRef } from './model-path.ts';
import { ModelService } from './model-service.ts';
import { problemReason, readMoleculeFile } from './molecule-input.ts';
import { neighbours } from './neighbours.ts';
import { ahead, walk } from './walk.ts';

type DesignCalls =
  | 'models.list' | 'models.doctor' | 'models.train' | 'latent.encode' | 'latent.decode' | 'latent.sample'
  | 'latent.directions' | 'latent.walk' | 'latent.ahead' | 'latent.interpolate' | 'latent.neighbours';

export interface DesignOptions {
  /**
   * Whether canonical SMILES are anywhere in the workspace (the core passes one over the store). Without it
   * (the CLI with no workspace) workspace membership is unknown: null in every result.
   */
  inWorkspace?: InWorkspace;
}

export interface Design {
  handlers: Pick<Handlers, DesignCalls>;
  /** The loaded model of a reference (a 400 for a bad one), shared with the other handlers (map, encode job). */
  model: (ref?: string) => Promise<ModelService>;
  close: () => Promise<void>;
}

export function listModels(): ModelInfo[] {
  const root = modelsDir();
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory() && !d.name.includes('.tmp-') && !d.name.includes('.old-')).map((d) => {
    const dir = path.join(root, d.name);
    const base = { name: d.name, dir, version: null, trainingSteps: null, latent: null, properties: [], createdAt: null, isDefault: d.name === DEFAULT_MODEL_NAME };
    try {
      const { manifest } = verifyBundle(dir);
      return {
        ...base, name: manifest.name, version: manifest.version, trainingSteps: manifest.training.steps, latent: manifest.architecture.latent,
        properties: manifest.propertyNormalization?.names ?? [], createdAt: manifest.createdAt, problem: null,
      };
    } catch (e) {
      return { ...base, problem: (e as Error).message };
    }
  });
}

/** startJob: the core's JobManager.start (training runs as a job). */
export function designHandlers(startJob: (kind: Job['kind'], title: string, args: unknown) => number, options: DesignOptions = {}): Design {
  const open = new Map<string, Promise<ModelService>>();
  const contexts = new WeakMap<ModelService, DesignContext>();
  const model = (ref?: string): Promise<ModelService> => {
    const dir = path.resolve(resolveModelRef(ref));
    let m = open.get(dir);
    if (!m) {
      m = ModelService.open(dir).catch((e: Error) => {
        open.delete(dir);
        throw badRequest(e.message);
      });
      open.set(dir, m);
    }
    return m;
  };
  /** The model with its seed cache; one per loaded model. */
  const context = async (ref?: string): Promise<DesignContext> => {
    const m = await model(ref);
    let c = contexts.get(m);
    if (!c) contexts.set(m, (c = designContext(m, options.inWorkspace ?? null)));
    return c;
  };
  const rowsOf = (z: number[][], latent: number) => {
    const flat = new Float32Array(z.length * latent);
    z.forEach((row, i) => {
      if (row.length !== latent) throw badRequest(`z row ${i + 1} has ${row.length} values, the model's latent space has ${latent}`);
      if (!row.every(Number.isFinite)) throw badRequest(`z row ${i + 1} holds a value that is not a finite number`);
      flat.set(row, i * latent);
    });
    return flat;
  };
  const handlers: Pick<Handlers, DesignCalls> = {
    'models.list': async () => listModels(),
    'models.doctor': async ({ path: file, model: ref, epochs }) => {
      if (!fs.existsSync(file)) throw badRequest(`There is no file ${file}.`);
      await loadRDKit();
      let manifest;
      try {
        ({ manifest } = verifyBundle(resolveModelRef(ref)));
      } catch (e) {
        throw badRequest((e as Error).message);
      }
      return doctor(readMoleculeFile(file), { vocabulary: Vocabulary.fromJSON(manifest.vocabulary), modelName: manifest.name, maxLength: manifest.architecture.maxLength, epochs });
    },
    'models.train': async (args) => {
      for (const f of [args.data, args.valid]) if (f && !fs.existsSync(f)) throw badRequest(`There is no file ${f}.`);
      return { jobId: startJob('train', `Train ${path.basename(args.out)}`, { ...args, data: path.resolve(args.data), valid: args.valid && path.resolve(args.valid), out: path.resolve(args.out), runDir: args.runDir && path.resolve(args.runDir) }) };
    },
    'latent.encode': async ({ smiles, model: ref }) => {
      const m = await model(ref);
      const { mu, rows, problems } = await m.encodeMolecules(smiles);
      const L = m.latent;
      return {
        latent: L,
        rows: rows.map((index, r) => ({ index, z: Array.from(mu.subarray(r * L, (r + 1) * L)) })),
        problems: problems.map((p) => ({ index: p.index!, token: p.token, reason: problemReason(p.message) })),
      };
    },
    'latent.decode': async ({ z, model: ref, ...settings }) => {
      const m = await model(ref);
      return { molecules: await m.decode(rowsOf(z, m.latent), z.length, settings) };
    },
    'latent.sample': async ({ n, seed, model: ref, ...settings }) => {
      const m = await model(ref);
      return { molecules: await m.sample(n, seed, settings) };
    },
    'latent.directions': async ({ model: ref, axes }) => {
      const c = await context(ref);
      // a page asks for the directions when its walk panel opens: the walk's chemistry thread can start loading
      c.chemAhead.warm();
      return { directions: listDirections(c.model, axes) };
    },
    'latent.walk': async ({ model: ref, ...args }) => walk(await context(ref), args),
    'latent.ahead': async ({ model: ref, ...args }) => ahead(await context(ref), args),
    'latent.interpolate': async ({ model: ref, ...args }) => interpolate(await context(ref), args),
    'latent.neighbours': async ({ model: ref, ...args }) => neighbours(await context(ref), args),
  };
  return {
    handlers,
    model,
    close: async () => {
      const all = [...open.values()];
      open.clear();
      for (const p of all) {
        const m = await p.catch(() => null);
        if (!m) continue;
        // a decode ahead must not run on a released session
        const c = contexts.get(m);
        await c?.walkAhead.stop();
        await c?.chemAhead.close();
        await m.close();
      }
    },
  };
}
