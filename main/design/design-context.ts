// What every design operation works with: the loaded model, a cache of seeds, and how to ask whether
// molecules are already in the workspace (the core passes a function over the store; without one, e.g. the
// CLI with no workspace, membership is unknown: null).
import type { DesignedMolecule, Provenance } from '../api/contract.ts';
import { ChemAhead } from './chem-ahead.ts';
import { ChemCache, designedMolecule } from './designed-molecule.ts';
import type { DrawSize } from './designed-molecule.ts';
import type { ModelService } from './model-service.ts';
import { SeedCache } from './seeds.ts';
import type { Seed } from './seeds.ts';
import { WalkSpeculation } from './walk-speculation.ts';

export type InWorkspace = (canonical: string[]) => boolean[];

export interface DesignContext {
  model: ModelService;
  seeds: SeedCache;
  /** props, similarity, changed atoms and drawings already made (a drag decodes the same molecule again and again) */
  chem: ChemCache;
  inWorkspace: InWorkspace | null;
  /** slider positions likely to be asked for next, decoded ahead (walk.ts) */
  walkAhead: WalkSpeculation;
  /** their chemistry, made in a thread of its own into `chem` */
  chemAhead: ChemAhead;
}

export function designContext(model: ModelService, inWorkspace: InWorkspace | null): DesignContext {
  const chem = new ChemCache();
  const chemAhead = new ChemAhead(chem);
  return { model, seeds: new SeedCache(model), chem, inWorkspace, walkAhead: new WalkSpeculation(), chemAhead };
}

/** Training-set and workspace membership of canonical SMILES, in one pass each (null: unknown or invalid). */
export function membership(ctx: DesignContext, smiles: readonly (string | null)[]): { inTraining: (boolean | null)[]; inWorkspace: (boolean | null)[] } {
  const valid = smiles.filter((s): s is string => s !== null);
  const training = ctx.model.inTraining(valid);
  const workspace = ctx.inWorkspace ? ctx.inWorkspace(valid) : null;
  let k = 0;
  const inTraining: (boolean | null)[] = [], inWorkspace: (boolean | null)[] = [];
  for (const s of smiles) {
    if (s === null) {
      inTraining.push(null);
      inWorkspace.push(null);
    } else {
      inTraining.push(training[k]);
      inWorkspace.push(workspace ? (workspace[k] ?? null) : null);
      k++;
    }
  }
  return { inTraining, inWorkspace };
}

/** A provenance record of this model for an operation. */
export function provenance(ctx: DesignContext, operation: Provenance['operation'], seed: string | null, params: Record<string, unknown>, randomSeed: number | null): Provenance {
  return { operation, seed, params, model: ctx.model.name, modelSha256: ctx.model.manifestSha256, randomSeed, createdAt: new Date().toISOString() };
}

/** New to the chemist: not known to be in the training set nor in the workspace. */
export const isNew = (m: { valid: boolean; inTraining: boolean | null; inWorkspace: boolean | null }): boolean => m.valid && m.inTraining !== true && m.inWorkspace !== true;

/** The seed itself as a DesignedMolecule (provenance 'manual': the chemist's own molecule; similarity 1). */
export function seedMolecule(ctx: DesignContext, seed: Seed, draw?: DrawSize): DesignedMolecule {
  const { inTraining, inWorkspace } = membership(ctx, [seed.canonical]);
  return { ...designedMolecule({
    raw: seed.canonical, smiles: seed.canonical, z: seed.z, map: seed.map, tries: 0, inTraining: inTraining[0], inWorkspace: inWorkspace[0],
    provenance: provenance(ctx, 'manual', null, {}, null),
  }, seed.chem, draw, ctx.chem), hold: seed.hold };
}
