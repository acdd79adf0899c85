// The model's confidence: the negative ELBO per token rises as a molecule is made less like the training data
// (corrupted step by step), the parts add up, molecules the model cannot read say why; AUROC against a
// hand-checked set.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalSmiles } from './canonical.ts';
import { ConfidenceScorer, auroc, latentDistance } from './confidence.ts';
import { designHandlers } from './handlers.ts';
import type { Design } from './handlers.ts';
import type { ModelService } from './model-service.ts';

let design: Design;
let model: ModelService;
let scorer: ConfidenceScorer;

beforeAll(async () => {
  design = designHandlers();
  model = await design.model();
  scorer = new ConfidenceScorer(model);
});
afterAll(async () => {
  await scorer?.close();
  await design?.close();
});

describe('auroc', () => {
  it('matches hand-counted pairs, ties counting half', () => {
    expect(auroc([3, 4], [1, 2])).toBe(1);
    expect(auroc([1, 2], [3, 4])).toBe(0);
    // pairs (pos > neg): 2>1 yes, 2>3 no, 5>1 yes, 5>3 yes → 3 of 4
    expect(auroc([2, 5], [1, 3])).toBe(0.75);
    expect(auroc([1, 1], [1, 1])).toBe(0.5);
    // 2 vs 2 is a tie: (1 + 0.5 + 1 + 1) / 4
    expect(auroc([2, 3], [1, 2])).toBe(0.875);
  });
});

describe('confidence', () => {
  it('rises as molecules are corrupted step by step, on average over several molecules', async () => {
    // each step swaps one more aromatic carbon of a benzene ring for a nitrogen, then adds odd groups: still valid,
    // ever less like drug-like ZINC molecules
    const series = [
      ['CC(=O)Nc1ccc(O)cc1', 'CC(=O)Nc1ncc(O)cc1', 'CC(=O)Nc1ncc(O)nc1', 'CC(=O)Nc1nnc(O)nn1', 'O=NN(N=O)c1nnc(N=[N+]=[N-])nn1'],
      ['Cc1ccccc1C(=O)O', 'Cc1ncccc1C(=O)O', 'Cc1nnccc1C(=O)O', 'Cc1nnncc1C(=O)O', 'N#CC(C#N)(C#N)c1nnnnc1C(=O)OO'],
      ['COc1ccc(CCN)cc1', 'COc1ncc(CCN)cc1', 'COc1ncc(CCN)nc1', 'COc1nnc(CCN)nn1', 'OOOc1nnc(CCN(N)N)nn1'],
    ];
    const levels: number[][] = [[], [], [], [], []];
    for (const s of series) {
      const c = s.map((x) => canonicalSmiles(x)!);
      const scores = await scorer.score(c);
      scores.forEach((sc, k) => {
        expect(sc.problem).toBeNull();
        expect(sc.negElboPerToken!).toBeCloseTo(sc.nllPerToken! + sc.klPerToken!, 5);
        levels[k].push(sc.negElboPerToken!);
      });
    }
    const mean = levels.map((l) => l.reduce((a, b) => a + b, 0) / l.length);
    for (let k = 1; k < mean.length; k++) expect(mean[k]).toBeGreaterThan(mean[k - 1]);
  }, 60_000);

  it('says why a molecule the model cannot read has no score', async () => {
    const [s] = await scorer.score(['C[Xe]C']);
    expect(s.negElboPerToken).toBeNull();
    expect(s.problem).toMatch(/\[Xe\]/);
  });

  it('puts the training set’s centre closer than a far point', async () => {
    const L = model.latent;
    const centre = Float32Array.from(model.latentStats.mean);
    const far = Float32Array.from(centre, (v) => v + 5);
    const d = latentDistance(model, Float32Array.from([...centre, ...far]), 2);
    expect(d[0]).toBeLessThan(1e-6);
    expect(d[1]).toBeGreaterThan(L);
  });
});
