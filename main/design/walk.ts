// latent.walk: the molecule at seed + Σ amount·unit·direction, decoded valid-first. The seed's encoding and
// its property directions come from the seed cache, so moving a slider costs one decode, one RDKit parse
// and (when asked) one drawing. After answering, the next position of the drag (the same slider one more
// step the same way) is decoded and drawn speculatively (walk-speculation.ts), so a drag's next move is
// usually a lookup.
import type { CallResult, ParsedArgs } from '../api/contract.ts';
import { designedMolecule } from './designed-molecule.ts';
import type { DecodeOutcome } from './designed-molecule.ts';
import { membership, provenance, seedMolecule } from './design-context.ts';
import type { DesignContext } from './design-context.ts';
import { resolveDirection } from './directions.ts';
import { moveAlong } from './latent-math.ts';
import type { Seed } from './seeds.ts';
import { nextPosition, walkKey } from './walk-speculation.ts';
import type { Offset, WalkDecode } from './walk-speculation.ts';

export type WalkArgs = Omit<ParsedArgs<'latent.walk'>, 'model'>;

/** The latent point of a walk position. */
async function pointOf(ctx: DesignContext, seed: Seed, offsets: readonly Offset[]): Promise<Float32Array> {
  const moves = await Promise.all(offsets.map(async (o) => {
    const { dir, unit } = await resolveDirection(ctx.model, seed, o.direction);
    return { dir, scale: o.amount * unit };
  }));
  return moveAlong(seed.z, moves);
}

/** The molecule of a decode at z, with provenance made now (a speculated decode gets the real request's time). */
function outcome(ctx: DesignContext, seed: Seed, z: Float32Array, d: WalkDecode, offsets: readonly Offset[], randomSeed: number): DecodeOutcome {
  const { x, y } = ctx.model.project(z, 1);
  const { inTraining, inWorkspace } = membership(ctx, [d.smiles]);
  return {
    raw: d.raw, smiles: d.smiles, z, map: [x[0], y[0]], tries: d.tries, inTraining: inTraining[0], inWorkspace: inWorkspace[0],
    provenance: provenance(ctx, 'walk', seed.canonical, { offsets: offsets.filter((o) => o.amount !== 0) }, randomSeed),
  };
}

export async function walk(ctx: DesignContext, a: WalkArgs): Promise<CallResult<'latent.walk'>> {
  const m = ctx.model;
  const spec = ctx.walkAhead;
  const seed = await ctx.seeds.get(a.seed);
  const key = walkKey(seed.canonical, a.offsets, a.randomSeed);
  const speculated = spec.begin(key);
  let result: CallResult<'latent.walk'>;
  try {
    const z = await pointOf(ctx, seed, a.offsets);
    const d = (await speculated) ?? (await m.decodeCounted(z, 1, { strategy: 'valid-first', seed: a.randomSeed }))[0];
    const molecule = designedMolecule(outcome(ctx, seed, z, d, a.offsets, a.randomSeed), seed.chem, a.draw, ctx.chem);
    // drawSeed false: the caller has the seed's drawing already (a drag's earlier moves); its panel still comes
    result = { seed: seedMolecule(ctx, seed, a.drawSeed === false ? undefined : a.draw), molecule };
  } finally {
    spec.end();
  }
  const before = spec.moved(seed.canonical, a.randomSeed, a.offsets);
  const next = before ? nextPosition(before, a.offsets) : null;
  if (next) {
    // after this answer is on its way: decode the drag's next position, then its chemistry and drawing
    setImmediate(() => {
      void pointOf(ctx, seed, next).then((z) =>
        spec.speculate(
          walkKey(seed.canonical, next, a.randomSeed),
          async (shouldStop) => (await m.decodeCounted(z, 1, { strategy: 'valid-first', seed: a.randomSeed, shouldStop }))[0],
          (d) => void designedMolecule(outcome(ctx, seed, z, d, next, a.randomSeed), seed.chem, a.draw, ctx.chem),
        ),
      ).catch(() => {});
    });
  }
  return result;
}
