// latent.neighbours: n latent points around a seed, z = seed + radius·ε with ε ~ N(0, I) from a seeded
// generator (the same randomSeed gives the same points), decoded greedily or sampled at a temperature. Kept:
// the unique valid molecules other than the seed, most similar first, each with the first point that made it.
// Counts: tries (points decoded), valid (valid decodes, repeats included), unique (distinct valid molecules
// other than the seed), new (of those, not known to be in the training set nor in the workspace).
import type { CallResult, ParsedArgs } from '../api/contract.ts';
import { Rng } from '../../models/graph/rng.ts';
import { designedMolecule } from './designed-molecule.ts';
import { isNew, membership, provenance, seedMolecule } from './design-context.ts';
import type { DesignContext } from './design-context.ts';

export type NeighboursArgs = Omit<ParsedArgs<'latent.neighbours'>, 'model'>;

export async function neighbours(ctx: DesignContext, a: NeighboursArgs): Promise<CallResult<'latent.neighbours'>> {
  const m = ctx.model, L = m.latent;
  const seed = await ctx.seeds.get(a.seed);
  const eps = new Rng(a.randomSeed).normals(a.n * L, a.radius);
  const z = new Float32Array(a.n * L);
  for (let r = 0; r < a.n; r++) for (let i = 0; i < L; i++) z[r * L + i] = seed.z[i] + eps[r * L + i];
  const settings = a.temperature === undefined ? { strategy: 'greedy' as const } : { strategy: 'sample' as const, temperature: a.temperature, seed: a.randomSeed };
  const decoded = await m.decodeCounted(z, a.n, settings);
  const first = new Map<string, number>();
  let valid = 0;
  decoded.forEach((d, r) => {
    if (!d.smiles) return;
    valid++;
    if (d.smiles !== seed.canonical && !first.has(d.smiles)) first.set(d.smiles, r);
  });
  const rows = [...first.values()];
  const { inTraining, inWorkspace } = membership(ctx, rows.map((r) => decoded[r].smiles));
  const { x, y } = m.project(z, a.n);
  const params = { n: a.n, radius: a.radius, temperature: a.temperature ?? null, decoding: settings.strategy };
  const molecules = rows.map((r, k) => designedMolecule({
    raw: decoded[r].raw, smiles: decoded[r].smiles, z: z.subarray(r * L, (r + 1) * L), map: [x[r], y[r]], tries: decoded[r].tries,
    inTraining: inTraining[k], inWorkspace: inWorkspace[k],
    // the draw's index makes it reproducible: the same seed, parameters and randomSeed give it again
    provenance: provenance(ctx, 'neighbours', seed.canonical, { ...params, draw: r }, a.randomSeed),
  }, seed.chem, a.draw, ctx.chem));
  // most similar first; equal similarity keeps draw order (stable sort)
  molecules.sort((p, q) => (q.similarity ?? -1) - (p.similarity ?? -1));
  return {
    molecules,
    counts: { tries: a.n, valid, unique: molecules.length, new: molecules.filter(isNew).length },
    seed: seedMolecule(ctx, seed, a.draw),
  };
}
