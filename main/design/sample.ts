// latent.sample with `describe`: draws of the prior N(0, I) or of the aggregate posterior, decoded with the chosen
// strategy, each answered as a designed molecule (main/chem's properties, whether it is in the training set or
// the workspace, a drawing, and provenance 'sample' with the draw's index, source, strategy and temperature, so
// the same seed and settings give it again).
import type { CallResult, DesignedMolecule } from '../api/contract.ts';
import type { DrawSize } from './designed-molecule.ts';
import { designedMolecule } from './designed-molecule.ts';
import { membership, provenance } from './design-context.ts';
import type { DesignContext } from './design-context.ts';
import type { DecodeSettings } from './model-service.ts';

export async function sampleDescribed(
  ctx: DesignContext,
  a: { n: number; seed: number; source: 'prior' | 'aggregate'; draw?: DrawSize } & Omit<DecodeSettings, 'seed' | 'shouldStop' | 'lookahead' | 'greedyFirst' | 'greedy'>,
): Promise<CallResult<'latent.sample'>> {
  const m = ctx.model, L = m.latent;
  const z = a.source === 'aggregate' ? m.aggregateSample(a.n, a.seed) : m.priorSample(a.n, a.seed);
  const settings = { strategy: a.strategy, temperature: a.temperature, beamWidth: a.beamWidth, maxTries: a.maxTries, seed: a.seed };
  const decoded = await m.decodeCounted(z, a.n, settings);
  const { inTraining, inWorkspace } = membership(ctx, decoded.map((d) => d.smiles));
  const { x, y } = m.project(z, a.n);
  const params = { source: a.source, strategy: a.strategy ?? 'greedy', temperature: a.temperature ?? null, n: a.n };
  const designed: DesignedMolecule[] = decoded.map((d, r) =>
    designedMolecule({
      raw: d.raw, smiles: d.smiles, z: z.subarray(r * L, (r + 1) * L), map: [x[r], y[r]], tries: d.tries, inTraining: inTraining[r], inWorkspace: inWorkspace[r],
      provenance: provenance(ctx, 'sample', null, { ...params, draw: r }, a.seed),
    }, null, a.draw, ctx.chem),
  );
  return { molecules: decoded.map(({ raw, smiles, valid }) => ({ raw, smiles, valid })), designed };
}
