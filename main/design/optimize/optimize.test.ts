// Constraints and searches with real RDKit and the shipped ZINC model on ONNX Runtime: each constraint refuses
// the molecule that breaks it, every result of a run meets every constraint when re-checked from its SMILES
// alone, and the same settings and random seed give the same results.
import fs from 'node:fs';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { morganFingerprintOf, tanimoto } from '../../chem/fingerprint.ts';
import { propertiesOf } from '../../chem/properties.ts';
import { substructureSearch } from '../../chem/search.ts';
import { canonicalSmiles } from '../canonical.ts';
import { ModelService } from '../model-service.ts';
import { checkConstraintSpec, parseWindow, violations } from './constraints.ts';
import type { ConstraintSpec, Membership } from './constraints.ts';
import { moleculeFacts } from './molecule-facts.ts';
import { parseObjective } from './objectives.ts';
import { describeHold, optimizeMany, optimizeOne } from './optimize.ts';
import { Inverter } from '../inversion.ts';
import type { OptimizeResult, OptimizeSettings } from './optimize.ts';
import { GradientUnavailable } from './search-gradient.ts';
import { surrogateObjective } from './surrogate-objective.ts';
import { predictRidge } from './surrogate.ts';
import { sharedDataPath } from './test-paths.ts';
import { resolveModelRef } from '../model-path.ts';

let model: ModelService;
beforeAll(async () => {
  // zinc250k, named: these budgets (96 decodes from one seed under tight constraints) were chosen on it.
  model = await ModelService.open(resolveModelRef('zinc250k'), { threads: 1 });
}, 60_000);
afterAll(async () => {
  await model?.close();
});

const SEED = 'CC(=O)Nc1ccc(O)cc1'; // paracetamol
const seedFp = () => morganFingerprintOf(SEED)!;
const facts = (smiles: string, keep: string[] = []) => moleculeFacts(canonicalSmiles(smiles)!, seedFp(), keep)!;
const none: Membership = { inTraining: false, inWorkspace: false };
const codes = (c: ConstraintSpec, smiles: string | null, member: Membership = none, keep: string[] = c.keep ?? []) =>
  violations(c, canonicalSmiles(SEED)!, smiles === null ? null : facts(smiles, keep), member).map((v) => v.code);

describe('constraints refuse what breaks them', () => {
  const close = 'CC(=O)Nc1ccc(OC)cc1'; // the methyl ether: similar to the seed, no alerts

  it('validity and the seed itself', () => {
    expect(codes({}, null)).toEqual(['invalid']);
    expect(codes({}, 'c1cc(O)ccc1NC(C)=O')).toEqual(['same-as-seed']); // the seed written another way
    expect(codes({}, close)).toEqual([]);
  });

  it('Tanimoto to the seed', () => {
    const s = tanimoto(morganFingerprintOf(close)!, seedFp());
    expect(codes({ similarity: s - 0.01 }, close)).toEqual([]);
    expect(codes({ similarity: s + 0.01 }, close)).toEqual(['similarity']);
    const v = violations({ similarity: 0.9 }, SEED, facts(close), none)[0];
    expect(v.amount).toBeCloseTo(0.9 - s, 12);
  });

  it('a locked substructure', () => {
    const amide = 'CC(=O)N', phenol = '[OX2H]c1ccccc1';
    expect(codes({ keep: [amide] }, close)).toEqual([]);
    expect(codes({ keep: [amide, phenol] }, close)).toEqual(['substructure']); // the ether lost the phenol OH
    expect(() => checkConstraintSpec({ keep: ['C(('] })).toThrow(/not a SMARTS/);
  });

  it('property windows', () => {
    const mw = (propertiesOf(close) as { properties: Record<string, number> }).properties.mol_wt;
    expect(codes({ windows: [parseWindow(`mw<=${mw + 1}`)] }, close)).toEqual([]);
    expect(codes({ windows: [parseWindow(`mw<=${mw - 1}`)] }, close)).toEqual(['window']);
    expect(codes({ windows: [parseWindow('clogp=5..8')] }, close)).toEqual(['window']);
    expect(codes({ windows: [parseWindow('heavy_atoms>=5')] }, close)).toEqual([]);
    expect(() => parseWindow('mw about 300')).toThrow(/NAME>=V/);
    expect(() => checkConstraintSpec({ windows: [{ property: 'mw', min: 5, max: 1 }] })).toThrow(/min > max/);
  });

  it('PAINS alerts', () => {
    const rhodanine = 'O=C1NC(=S)SC1=Cc1ccccc1'; // 5-benzylidene rhodanine: ene_rhod_A
    expect((propertiesOf(rhodanine) as { properties: Record<string, number> }).properties.pains_count).toBeGreaterThan(0);
    expect(codes({}, rhodanine)).toContain('pains');
    expect(codes({ noPains: false }, rhodanine)).not.toContain('pains');
  });

  it('novelty: training set and workspace', () => {
    const first = zlib.gunzipSync(fs.readFileSync(sharedDataPath('zinc250k/train.smi.gz'))).toString('utf8').split('\n')[0].trim();
    const canon = canonicalSmiles(first)!;
    const [inTraining] = model.inTraining([canon]);
    expect(inTraining).toBe(true); // the model's own training-set index knows it
    expect(codes({ noPains: false }, first, { inTraining, inWorkspace: false })).toContain('in-training');
    expect(codes({ noPains: false, notInTraining: false }, first, { inTraining, inWorkspace: false })).not.toContain('in-training');
    expect(codes({}, close, { inTraining: false, inWorkspace: true })).toEqual(['in-workspace']);
    expect(codes({}, close, { inTraining: null, inWorkspace: null })).toEqual([]); // unknown is not a refusal
  });
});

const base = (o: Partial<OptimizeSettings> = {}): OptimizeSettings => ({
  objectives: [parseObjective('plogp')], constraints: { similarity: 0.4 }, method: 'cmaes', budget: 96, randomSeed: 3, ...o,
});
const summary = (r: OptimizeResult) => r.results.map((c) => [c.smiles, c.values, c.iteration, c.decodes]);

describe('optimize', () => {
  it('every result meets every constraint, re-checked from its SMILES with RDKit', async () => {
    const keep = ['c1ccccc1', 'C(=O)N'];
    const constraints: ConstraintSpec = { similarity: 0.4, keep, windows: [parseWindow('mw<=260')] };
    const inWorkspace = (smiles: string[]) => smiles.map((s) => s.length % 2 === 0); // an arbitrary half of molecules
    for (const method of ['cmaes', 'gradient'] as const) {
      const r = await optimizeOne({ model, inWorkspace }, SEED, base({ method, constraints, objectives: [parseObjective('qed')] }));
      expect(r.problem).toBeNull();
      expect(r.decodes).toBe(96);
      expect(r.distinct).toBeGreaterThan(1);
      expect(r.results.length).toBeGreaterThan(0);
      const seed = canonicalSmiles(SEED)!;
      for (const c of r.results) {
        const s = c.smiles!;
        expect(canonicalSmiles(s)).toBe(s);
        expect(s).not.toBe(seed);
        expect(tanimoto(morganFingerprintOf(s)!, seedFp())).toBeGreaterThanOrEqual(0.4);
        for (const k of keep) expect(substructureSearch([s], k)).toEqual([0]);
        const p = (propertiesOf(s) as { properties: Record<string, number> }).properties;
        expect(p.mol_wt).toBeLessThanOrEqual(260);
        expect(p.pains_count).toBe(0);
        expect(model.inTraining([s])[0]).toBe(false);
        expect(s.length % 2).toBe(1);
        expect(c.values[0]).toBeCloseTo(p.qed, 12);
      }
      // best first
      for (let i = 1; i < r.results.length; i++) expect(r.results[i].score).toBeLessThanOrEqual(r.results[i - 1].score);
    }
  }, 120_000);

  it('the same settings and random seed give the same results; another seed another search', async () => {
    for (const method of ['cmaes', 'gradient'] as const) {
      const a = await optimizeOne({ model }, SEED, base({ method }));
      const b = await optimizeOne({ model }, SEED, base({ method }));
      expect(summary(b)).toEqual(summary(a));
      expect(a.results.length).toBeGreaterThan(0);
      const c = await optimizeOne({ model }, SEED, base({ method, randomSeed: 4 }));
      expect(summary(c)).not.toEqual(summary(a));
    }
  }, 120_000);

  it('several starts: each gets what it would alone with its random seed', async () => {
    const starts = [SEED, 'Cc1ccc(cc1)S(N)(=O)=O'];
    const many = await optimizeMany({ model }, starts, base());
    const alone = await optimizeOne({ model }, starts[1], base({ randomSeed: 4 }));
    expect(many.map((r) => r.input)).toEqual(starts);
    expect(summary(many[1])).toEqual(summary(alone));
  }, 120_000);

  it('improves penalized logP under δ = 0.4', async () => {
    const r = await optimizeOne({ model }, SEED, base({ budget: 200, method: 'gradient', constraints: { similarity: 0.4, noPains: false, notInTraining: false } }));
    expect(r.results.length).toBeGreaterThan(0);
    expect(r.improvements[0]).toBeGreaterThan(0.5);
  }, 120_000);

  it('Pareto mode keeps only non-dominated results', async () => {
    const r = await optimizeOne({ model }, SEED, base({ objectives: [parseObjective('qed'), parseObjective('sa:min')], pareto: true, budget: 128 }));
    expect(r.results.length).toBeGreaterThan(0);
    for (const a of r.results) {
      for (const b of r.results) expect(b.utilities[0] >= a.utilities[0] && b.utilities[1] >= a.utilities[1] && (b.utilities[0] > a.utilities[0] || b.utilities[1] > a.utilities[1])).toBe(false);
    }
  }, 120_000);

  it('a latent surrogate objective predicts each result from its own encoding', async () => {
    const train = zlib.gunzipSync(fs.readFileSync(sharedDataPath('zinc250k/train.smi.gz'))).toString('utf8').split('\n').slice(0, 80).map((l) => l.trim());
    const data = train.map((smiles) => ({ smiles, value: (propertiesOf(smiles) as { properties: Record<string, number> }).properties.clogp }));
    const f = await surrogateObjective(model, 'measured', data, 'latent', 0);
    expect(f.surrogate.molecules).toBe(80);
    expect(f.surrogate.cvR2).toBeGreaterThan(0.5); // cLogP is nearly linear in this model's latent space
    const r = await optimizeOne({ model }, SEED, base({ objectives: [parseObjective('measured', { measured: f.custom })], budget: 48, constraints: { similarity: 0.3 } }));
    expect(r.results.length).toBeGreaterThan(0);
    for (const c of r.results.slice(0, 5)) {
      const { mu } = await model.encode([c.smiles!]);
      expect(c.values[0]).toBeCloseTo(predictRidge(f.surrogate, mu.slice(0, model.latent)), 4);
    }
  }, 120_000);

  it('with an inverter, starts where the start molecule is held, not where its mean decodes to', async () => {
    // ZINC test molecules whose encoder mean decodes to another molecule
    const starts = zlib.gunzipSync(fs.readFileSync(sharedDataPath('zinc250k/test.smi.gz'))).toString('utf8').split('\n').slice(0, 60).map((l) => canonicalSmiles(l.trim().split(/\s+/)[0])!);
    const enc = await model.encode(starts);
    const decoded = await model.decode(enc.mu, starts.length, { strategy: 'greedy' });
    const missed = starts.filter((x, i) => decoded[i].smiles !== x).slice(0, 3);
    expect(missed.length).toBeGreaterThan(0);
    const inverter = new Inverter(model);
    try {
      let held = 0;
      for (const start of missed) {
        const r = await optimizeOne({ model, inverter }, start, base({ budget: 16 }));
        expect(r.hold).not.toBeNull();
        expect(describeHold(r.hold)).toMatch(r.hold!.held ? /^held exactly \((posterior|gradient)\)$/ : /^not held/);
        if (!r.hold!.held) continue;
        held++;
        expect((await model.decode(r.seed!.z, 1, { strategy: 'greedy' }))[0].smiles).toBe(start);
      }
      expect(held).toBeGreaterThan(0);
      expect((await optimizeOne({ model }, missed[0], base({ budget: 16 }))).hold).toBeNull();
    } finally {
      await inverter.close();
    }
  }, 120_000);

  it('refuses what it cannot do, and says why a start gives nothing', async () => {
    await expect(optimizeOne({ model }, SEED, base({ method: 'gradient', objectives: [parseObjective('tpsa')] }))).rejects.toBeInstanceOf(GradientUnavailable);
    await expect(optimizeOne({ model }, SEED, base({ objectives: [] }))).rejects.toThrow(/at least one objective/);
    await expect(optimizeOne({ model }, SEED, base({ pareto: true }))).rejects.toThrow(/two or three/);
    expect((await optimizeOne({ model }, 'C1CC', base())).problem).toMatch(/RDKit/);
    expect((await optimizeOne({ model }, SEED, base({ constraints: { keep: ['S(=O)=O'] } }))).problem).toMatch(/locked substructure/);
  }, 60_000);
});
