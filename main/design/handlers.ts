// The contract's model calls (models.*, latent.*) over main/design. Bundles are loaded once per folder and
// kept until close(); a bad model reference or a bundle that fails its checks is a 400 with the reason.
import { withTypicality } from './typicality.ts';
import path from 'node:path';
import type { Handlers } from '../api/contract.ts';
import { badRequest } from '../handlers/errors.ts';
import { designContext } from './design-context.ts';
import type { DesignContext, InWorkspace } from './design-context.ts';
import { listDirections } from './directions.ts';
import { interpolate } from './interpolate.ts';
import { ModelRegistry, defaultUserModelsDir } from './model-registry.ts';
import { ModelService } from './model-service.ts';
import { problemReason } from './molecule-input.ts';
import { neighbours } from './neighbours.ts';
import { sampleDescribed } from './sample.ts';
import { ahead, walk } from './walk.ts';

type DesignCalls =
  | 'latent.encode' | 'latent.decode' | 'latent.sample'
  | 'latent.directions' | 'latent.walk' | 'latent.ahead' | 'latent.interpolate' | 'latent.neighbours';

export interface DesignOptions {
  /**
   * Whether canonical SMILES are anywhere in the workspace (the core passes one over the store). Without it
   * (the CLI with no workspace) workspace membership is unknown: null in every result.
   */
  inWorkspace?: InWorkspace;
  /** Which models there are (shipped and trained); default: the shipped ones and $MOLSCAPE_MODELS_DIR's */
  registry?: ModelRegistry;
  /** The model every call without a `model` uses (the workspace's active model); default: the shipped one */
  activeModel?: () => string | undefined;
}

export interface Design {
  handlers: Pick<Handlers, DesignCalls>;
  /** The loaded model of a reference (a 400 for a bad one), shared with the other handlers (map, encode job). */
  model: (ref?: string) => Promise<ModelService>;
  /** Releases a loaded model (its folder is about to be renamed or deleted) */
  forget: (dir: string) => Promise<void>;
  close: () => Promise<void>;
}

export function designHandlers(options: DesignOptions = {}): Design {
  const registry = options.registry ?? new ModelRegistry(defaultUserModelsDir());
  const open = new Map<string, Promise<ModelService>>();
  const contexts = new WeakMap<ModelService, DesignContext>();
  const model = (ref?: string): Promise<ModelService> => {
    let dir: string;
    try {
      dir = path.resolve(registry.resolve(ref ?? options.activeModel?.()));
    } catch (e) {
      return Promise.reject(badRequest((e as Error).message));
    }
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
    'latent.sample': async ({ n, seed, model: ref, source, describe, draw, ...settings }) => {
      if (!describe) {
        const m = await model(ref);
        return { molecules: await m.sample(n, seed, settings, source) };
      }
      const c = await context(ref);
      const r = await sampleDescribed(c, { n, seed, source, draw, ...settings });
      return r.designed ? { ...r, designed: withTypicality(c.model, r.designed) } : r;
    },
    'latent.directions': async ({ model: ref, axes }) => {
      const c = await context(ref);
      // a page asks for the directions when its walk panel opens: the walk's chemistry thread can start loading
      c.chemAhead.warm();
      return { directions: listDirections(c.model, axes) };
    },
    // every designed molecule says how far from the training data its latent point lies (typicality.ts)
    'latent.walk': async ({ model: ref, ...args }) => {
      const c = await context(ref);
      const r = await walk(c, args);
      const [seed, molecule] = withTypicality(c.model, [r.seed, r.molecule]);
      return { ...r, seed, molecule };
    },
    'latent.ahead': async ({ model: ref, ...args }) => ahead(await context(ref), args),
    'latent.interpolate': async ({ model: ref, ...args }) => {
      const c = await context(ref);
      const r = await interpolate(c, args);
      const flagged = withTypicality(c.model, r.path.map((p) => p.molecule));
      return { ...r, path: r.path.map((p, i) => ({ ...p, molecule: flagged[i] })) };
    },
    'latent.neighbours': async ({ model: ref, ...args }) => {
      const c = await context(ref);
      const r = await neighbours(c, args);
      return { ...r, molecules: withTypicality(c.model, r.molecules), seed: withTypicality(c.model, [r.seed])[0] };
    },
  };
  const release = async (m: ModelService) => {
    // a decode ahead must not run on a released session
    const c = contexts.get(m);
    await c?.walkAhead.stop();
    await c?.chemAhead.close();
    await c?.seeds.close();
    await m.close();
  };
  return {
    handlers,
    model,
    forget: async (dir) => {
      const key = path.resolve(dir);
      const p = open.get(key);
      if (!p) return;
      open.delete(key);
      const m = await p.catch(() => null);
      if (m) await release(m);
    },
    close: async () => {
      const all = [...open.values()];
      open.clear();
      for (const p of all) {
        const m = await p.catch(() => null);
        if (m) await release(m);
      }
    },
  };
}
