// latent.interpolate: N evenly spaced points from one molecule's latent point to another's, on the straight
// line or the great circle (slerp), decoded valid-first in one batch. Consecutive points that decode to the
// same molecule are one entry of the path, with `repeats` counting them (they add up to N).
import type { CallResult, ParsedArgs } from '../api/contract.ts';
import { designedMolecule } from './designed-molecule.ts';
import { membership, provenance } from './design-context.ts';
import type { DesignContext } from './design-context.ts';
import { lerp, slerp, stackRows } from './latent-math.ts';

export type InterpolateArgs = Omit<ParsedArgs<'latent.interpolate'>, 'model'>;

export async function interpolate(ctx: DesignContext, a: InterpolateArgs): Promise<CallResult<'latent.interpolate'>> {
  const m = ctx.model;
  const [from, to] = await Promise.all([ctx.seeds.get(a.from, 'start molecule'), ctx.seeds.get(a.to, 'end molecule')]);
  const ts = Array.from({ length: a.steps }, (_, i) => i / (a.steps - 1));
  const path = a.method === 'slerp' ? slerp : lerp;
  const zs = ts.map((t) => path(from.z, to.z, t));
  const decoded = await m.decodeCounted(stackRows(zs, m.latent), zs.length, { strategy: 'valid-first', seed: a.randomSeed });
  // invalid decodes are the same point of the path only when the decoder wrote the same text
  const key = (i: number) => decoded[i].smiles ?? `\u0000${decoded[i].raw}`;
  const firsts: number[] = [];
  const repeats: number[] = [];
  decoded.forEach((_, i) => {
    if (i > 0 && key(i) === key(firsts[firsts.length - 1])) repeats[repeats.length - 1]++;
    else {
      firsts.push(i);
      repeats.push(1);
    }
  });
  const { inTraining, inWorkspace } = membership(ctx, firsts.map((i) => decoded[i].smiles));
  const { x, y } = m.project(stackRows(firsts.map((i) => zs[i]), m.latent), firsts.length);
  return {
    path: firsts.map((i, k) => ({
      t: ts[i],
      repeats: repeats[k],
      molecule: designedMolecule({
        raw: decoded[i].raw, smiles: decoded[i].smiles, z: zs[i], map: [x[k], y[k]], tries: decoded[i].tries, inTraining: inTraining[k], inWorkspace: inWorkspace[k],
        provenance: provenance(ctx, 'interpolate', from.canonical, { to: to.canonical, steps: a.steps, method: a.method, t: ts[i] }, a.randomSeed),
      }, from.chem, a.draw, ctx.chem),
    })),
  };
}
