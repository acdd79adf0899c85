// design.check: molecules judged against a seed with the optimizer's own code (molecule-facts.ts for the
// chemistry, constraints.ts for what they break, objectives.ts for their values), and drawn with the atoms that
// changed against the seed highlighted (designed-molecule.ts). The Optimize panel uses it for live feedback
// (does the seed match the SMARTS, how many of its neighbours pass) and to show results seed → result. A
// mistake in the settings is an answer (`problem`), not an error: the panel asks as the chemist types.
// Novelty is not checked here: whoever asks knows whether a molecule is in the training set or the workspace.
import type { CallResult, CheckedMolecule, Handlers, ParsedArgs } from '../../api/contract.ts';
import { loadRDKit } from '../../chem/rdkit.ts';
import { canonicalSmiles } from '../canonical.ts';
import { chemPart, seedChem } from '../designed-molecule.ts';
import { ConstraintError, checkConstraintSpec, parseWindow, violations } from './constraints.ts';
import type { ConstraintSpec } from './constraints.ts';
import { moleculeFacts } from './molecule-facts.ts';
import { ObjectiveError, objectiveValue, parseObjective } from './objectives.ts';
import type { Objective } from './objectives.ts';
import { WorkspaceSurrogates, surrogateNames } from './workspace-surrogates.ts';
import type { SurrogateFit } from './workspace-surrogates.ts';
import type { Db } from '../../store/db.ts';
import type { ModelService } from '../model-service.ts';

const unread = (keep: number, objectives: number): CheckedMolecule => ({
  smiles: null, props: {}, similarity: null, changedAtoms: [], svg: null, keeps: Array(keep).fill(false), values: Array(objectives).fill(null),
  violations: [{ code: 'invalid', amount: 1 }],
});

export interface CheckDeps {
  db: Db;
  model: (ref?: string) => Promise<ModelService>;
}

export async function checkMolecules(a: ParsedArgs<'design.check'>, deps?: CheckDeps): Promise<CallResult<'design.check'>> {
  await loadRDKit();
  let objectives: Objective[];
  let spec: ConstraintSpec;
  let surrogates: SurrogateFit[] = [];
  try {
    // surrogate objectives (taste, a measured column): fitted (or found in the fit cache) to value the molecules
    const workspace = deps ? new WorkspaceSurrogates(deps.db, { collectionId: a.surrogateCollectionId, features: a.surrogateFeatures, seed: 0, model: () => deps.model() }) : null;
    const names = surrogateNames(a.objectives);
    if (workspace && names.length) {
      surrogates = await workspace.preview(names);
      const failed = surrogates.find((f) => f.problem);
      if (failed) return { seed: null, molecules: [], problem: failed.problem, surrogates };
    }
    objectives = a.objectives.map((o) => parseObjective(o, workspace?.customs));
    const c = a.constraints;
    spec = { similarity: c.similarity, keep: c.keep, windows: c.windows?.map(parseWindow), noPains: c.noPains, notInTraining: false, notInWorkspace: false };
    checkConstraintSpec(spec);
  } catch (err) {
    if (err instanceof ObjectiveError || err instanceof ConstraintError) return { seed: null, molecules: [], problem: err.message, surrogates };
    throw err;
  }
  const keep = spec.keep ?? [];
  const seed = canonicalSmiles(a.seed.trim());
  if (!seed) return { seed: null, molecules: [], problem: `RDKit cannot read the seed '${a.seed}'.`, surrogates };
  const seedFacts = moleculeFacts(seed, null, keep)!;
  const chem = seedChem(seed);
  const canonicals = a.smiles.map((s) => canonicalSmiles(s.trim()));
  // a surrogate on latent encodings values a molecule by its encoding: encode them all in one call
  const latents = objectives.some((o) => o.custom?.needs === 'latent') && deps ? await encodings(await deps.model(), [seed, ...canonicals.filter((c): c is string => c !== null)]) : null;
  if (latents) seedFacts.latent = latents.get(seed);
  const judge = (canonical: string): CheckedMolecule => {
    const facts = moleculeFacts(canonical, seedFacts.fingerprint, keep);
    if (facts && latents) facts.latent = latents.get(canonical);
    const part = chemPart(canonical, chem, a.draw);
    if (!facts || !part) return unread(keep.length, objectives.length);
    return {
      smiles: canonical, props: facts.props, similarity: facts.similarity, changedAtoms: part.changedAtoms, svg: part.svg, keeps: facts.keeps,
      values: objectives.map((o) => objectiveValue(o, facts.props, facts)),
      violations: violations(spec, seed, facts, { inTraining: null, inWorkspace: null }),
    };
  };
  const seedPart = chemPart(seed, null, a.draw);
  return {
    seed: {
      smiles: seed, props: seedFacts.props, similarity: 1, changedAtoms: [], svg: seedPart?.svg ?? null, keeps: seedFacts.keeps,
      values: objectives.map((o) => objectiveValue(o, seedFacts.props, seedFacts)), violations: [],
    },
    molecules: canonicals.map((c) => (c ? judge(c) : unread(keep.length, objectives.length))),
    problem: null,
    surrogates,
  };
}

/** The model's encoding (mean) of each SMILES it can read, by SMILES. */
async function encodings(model: ModelService, smiles: string[]): Promise<Map<string, Float32Array>> {
  const unique = [...new Set(smiles)];
  const { mu, rows } = await model.encode(unique);
  const L = model.latent;
  return new Map(rows.map((i, k) => [unique[i], mu.slice(k * L, (k + 1) * L)]));
}

export const checkHandlers = (deps?: CheckDeps): Pick<Handlers, 'design.check'> => ({ 'design.check': (a) => checkMolecules(a, deps) });
