// Latent inversion on the shipped model: seeds the encoder's mean does not give back are held after inversion
// (and the z returned really decodes to them); the gradient graph agrees with finite differences; a walk starts
// at the held point and says how it was held.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calls } from '../api/contract.ts';
import { readSmilesFile } from '../../models/vae/data.ts';
import { canonicalSmiles } from './canonical.ts';
import { designHandlers } from './handlers.ts';
import type { Design } from './handlers.ts';
import { Inverter } from './inversion.ts';
import type { ModelService } from './model-service.ts';

let design: Design;
let model: ModelService;
let inverter: Inverter;
const zincTest = path.resolve(import.meta.dirname, '../../../shared/data/zinc250k/test.smi.gz');

beforeAll(async () => {
  design = designHandlers();
  model = await design.model();
  inverter = new Inverter(model);
});
afterAll(async () => {
  await inverter?.close();
  await design?.close();
});

describe('latent inversion', () => {
  it('holds seeds that the mean does not give back, with a z that decodes to them', async () => {
    const seeds = readSmilesFile(zincTest, 40).smiles.map((s) => canonicalSmiles(s)!);
    const enc = await model.encode(seeds);
    const L = model.latent;
    const fromMean = await model.decode(enc.mu, seeds.length, { strategy: 'greedy' });
    const missed = seeds.map((s, i) => (fromMean[i].smiles === s ? -1 : i)).filter((i) => i >= 0).slice(0, 6);
    expect(missed.length).toBeGreaterThan(0);
    let held = 0;
    for (const i of missed) {
      const h = await inverter.invert(seeds[i], enc.mu.slice(i * L, (i + 1) * L), enc.logvar.slice(i * L, (i + 1) * L));
      expect(h.method).not.toBe('mean');
      if (!h.held) {
        expect(h.nearest).not.toBe(seeds[i]);
        expect(h.similarity).toBeLessThan(1);
        continue;
      }
      held++;
      const again = await model.decode(h.z, 1, { strategy: 'greedy' });
      expect(again[0].smiles).toBe(seeds[i]);
    }
    expect(held).toBeGreaterThanOrEqual(Math.ceil(missed.length / 2));
  }, 120_000);

  it("the gradient of the seed's negative log-likelihood agrees with finite differences", async () => {
    const seed = canonicalSmiles('CC(=O)Nc1ccc(O)cc1')!;
    const ids = model.bundle.vocabulary.encode(seed);
    if (!ids.ok) throw new Error('not encodable');
    const enc = await model.encode([seed]);
    const z = Float32Array.from(enc.mu);
    for (let i = 0; i < z.length; i++) z[i] += 0.3 * Math.sin(i); // away from the mean, where the gradient is not ~0
    const { nll, grad } = await inverter.nllAndGrad(ids.ids, z, 1);
    expect(nll[0]).toBeGreaterThan(0);
    const h = 1e-2;
    for (const d of [0, 7, 23]) {
      const up = Float32Array.from(z), down = Float32Array.from(z);
      up[d] += h;
      down[d] -= h;
      const fd = ((await inverter.nllAndGrad(ids.ids, up, 1)).nll[0] - (await inverter.nllAndGrad(ids.ids, down, 1)).nll[0]) / (2 * h);
      expect(Math.abs(fd - grad[d])).toBeLessThan(0.05 * Math.max(1, Math.abs(grad[d])));
    }
  }, 60_000);

  it('a walk starts at the held point and says how the seed is held', async () => {
    const seed = readSmilesFile(zincTest, 40).smiles.map((s) => canonicalSmiles(s)!)[0];
    const r = await design.handlers['latent.walk'](calls['latent.walk'].args.parse({ seed, offsets: [] }));
    expect(r.seed.hold).toMatchObject({ held: true });
    expect(r.molecule.smiles).toBe(seed);
  }, 60_000);
});
