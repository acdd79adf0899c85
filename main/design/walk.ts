// latent.walk: the molecule at seed + Σ amount·unit·direction, decoded valid-first. The seed's encoding and
// its property directions come from the seed cache, so moving a slider costs one decode, one RDKit parse
// and (when asked) one drawing.
import type { CallResult, ParsedArgs } from '../api/contract.ts';
import { designedMolecule } from './designed-molecule.ts';
import { membership, provenance, seedMolecule } from './design-context.ts';
import type { DesignContext } from './design-context.ts';
import { resolveDirection } from './directions.ts';
import { moveAlong } from './latent-math.ts';

export type WalkArgs = Omit<ParsedArgs<'latent.walk'>, 'model'>;

export async function walk(ctx: DesignContext, a: WalkArgs): Promise<CallResult<'latent.walk'>> {
  const m = ctx.model;
  const seed = await ctx.seeds.get(a.seed);
  const moves = await Promise.all(a.offsets.map(async (o) => {
    const { dir, unit } = await resolveDirection(m, seed, o.direction);
    return { dir, scale: o.amount * unit };
  }));
  const z = moveAlong(seed.z, moves);
  const [d] = await m.decodeCounted(z, 1, { strategy: 'valid-first', seed: a.randomSeed });
  const { x, y } = m.project(z, 1);
  const { inTraining, inWorkspace } = membership(ctx, [d.smiles]);
  const molecule = designedMolecule({
    raw: d.raw, smiles: d.smiles, z, map: [x[0], y[0]], tries: d.tries, inTraining: inTraining[0], inWorkspace: inWorkspace[0],
    provenance: provenance(ctx, 'walk', seed.canonical, { offsets: a.offsets.filter((o) => o.amount !== 0) }, a.randomSeed),
  }, seed.chem, a.draw, ctx.chem);
  // drawSeed false: the caller has the seed's drawing already (a drag's earlier moves); its panel still comes
  return { seed: seedMolecule(ctx, seed, a.drawSeed === false ? undefined : a.draw), molecule };
}
