// The design calls (latent.directions, latent.walk, latent.interpolate, latent.neighbours) on the shipped
// model with real ONNX Runtime and RDKit. The model is mediocre, so these check properties of the results
// (validity, counts that add up, provenance, the latent arithmetic, determinism), never particular molecules.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../models/graph/rng.ts';
import { calls } from '../api/contract.ts';
import type { CallArgs, DesignedMolecule } from '../api/contract.ts';
import { canonicalSmiles } from './canonical.ts';
import { isNew } from './design-context.ts';
import { designHandlers } from './handlers.ts';
import type { Design } from './handlers.ts';
import { lerp, slerp } from './latent-math.ts';
import type { ModelService } from './model-service.ts';
import { DEFAULT_MODEL_NAME } from './model-path.ts';

const SEED = 'CC(=O)Nc1ccc(O)cc1';
const OTHER = 'O=C(NCc1ccccc1)c1ccc2ccccc2n1';
/** the workspace stand-in: "holds" every molecule with a nitrogen */
const inWorkspace = (c: string[]) => c.map((s) => /N|n/.test(s));

let design: Design;
let model: ModelService;
const walk = (a: CallArgs<'latent.walk'>) => design.handlers['latent.walk'](calls['latent.walk'].args.parse(a));
const interpolate = (a: CallArgs<'latent.interpolate'>) => design.handlers['latent.interpolate'](calls['latent.interpolate'].args.parse(a));
const neighbours = (a: CallArgs<'latent.neighbours'>) => design.handlers['latent.neighbours'](calls['latent.neighbours'].args.parse(a));
const withoutTime = (m: DesignedMolecule) => ({ ...m, provenance: { ...m.provenance, createdAt: '' } });
const close = (a: number[], b: ArrayLike<number>, tol = 1e-4) => a.every((v, i) => Math.abs(v - b[i]) <= tol * (1 + Math.abs(v)));

beforeAll(async () => {
  design = designHandlers({ inWorkspace });
  model = await design.model();
});
afterAll(async () => {
  await design?.close();
});

function expectProvenance(m: DesignedMolecule, operation: string, seed: string | null, randomSeed: number | null) {
  const sha = createHash('sha256').update(fs.readFileSync(path.join(model.dir, 'manifest.json'))).digest('hex');
  expect(m.provenance).toMatchObject({ operation, seed, model: DEFAULT_MODEL_NAME, modelSha256: sha, randomSeed });
  expect(Number.isNaN(Date.parse(m.provenance.createdAt))).toBe(false);
  expect(calls['latent.walk'].result.shape.molecule.safeParse(m).success).toBe(true);
}

function expectConsistent(m: DesignedMolecule) {
  expect(m.z).toHaveLength(model.latent);
  const { x, y } = model.project(m.z, 1);
  expect(m.map[0]).toBeCloseTo(x[0], 6);
  expect(m.map[1]).toBeCloseTo(y[0], 6);
  if (m.valid) {
    expect(canonicalSmiles(m.smiles!)).toBe(m.smiles);
    expect(m.props.mol_wt).toBeGreaterThan(0);
    expect(m.inWorkspace).toBe(/N|n/.test(m.smiles!));
    const atoms = m.props.heavy_atoms as number;
    expect(m.changedAtoms.every((a) => a < atoms)).toBe(true);
  } else {
    expect(m.smiles).toBeNull();
    expect([m.similarity, m.inTraining, m.inWorkspace]).toEqual([null, null, null]);
  }
}

describe('the model service', () => {
  it('projects the training mean to the origin and one step along the first axis to (1, 0)', () => {
    const { mean, axes } = model.latentStats;
    const at = (z: number[]) => model.project(z, 1);
    expect(at(mean).x[0]).toBeCloseTo(0, 9);
    const p = at(mean.map((v, i) => v + axes[0][i]));
    expect(p.x[0]).toBeCloseTo(1, 6);
    expect(p.y[0]).toBeCloseTo(0, 6);
  });

  it('knows training molecules when the bundle ships their index', () => {
    const first = zlib.gunzipSync(fs.readFileSync(new URL('../../../shared/data/zinc250k/train.smi.gz', import.meta.url))).toString('utf8').split('\n')[0].trim();
    const shipped = fs.existsSync(path.join(model.dir, 'training_set.bin'));
    expect(model.inTraining([canonicalSmiles(first)!])).toEqual([shipped ? true : null]);
  });
});

describe('latent.directions', () => {
  it('lists the principal axes then more/less of each head property, with positive units', async () => {
    const { directions } = await design.handlers['latent.directions'](calls['latent.directions'].args.parse({ axes: 3 }));
    const props = model.propertyNames;
    expect(directions.map((d) => d.name)).toEqual(['pc1', 'pc2', 'pc3', ...props.flatMap((p) => [`${p}+`, `${p}-`])]);
    expect(directions.every((d) => d.unit > 0)).toBe(true);
    expect(directions[0].unit).toBeCloseTo(Math.sqrt(model.latentStats.variances[0]), 9);
    expect(directions[0].label).toMatch(/^PC1 \(\d+\.\d % of variance\)$/);
  });
});

describe('latent.walk', () => {
  it('at amount 0 decodes the seed\'s own point: a valid molecule, similarity defined, provenance filled', async () => {
    const r = await walk({ seed: SEED, offsets: [{ direction: 'pc1', amount: 0 }], draw: { width: 240, height: 180 } });
    const enc = await design.handlers['latent.encode'](calls['latent.encode'].args.parse({ smiles: [canonicalSmiles(SEED)!] }));
    expect(close(r.molecule.z, enc.rows[0].z)).toBe(true);
    expect(r.molecule.valid).toBe(true);
    expect(r.molecule.similarity).toBeGreaterThanOrEqual(0);
    expect(r.molecule.similarity).toBeLessThanOrEqual(1);
    expect(r.molecule.svg).toMatch(/^<\?xml|<svg/);
    expect(r.molecule.tries).toBeGreaterThanOrEqual(1);
    expectProvenance(r.molecule, 'walk', canonicalSmiles(SEED), 0);
    expectConsistent(r.molecule);
    // the seed itself: the chemist's molecule, identical to itself
    expect(r.seed).toMatchObject({ smiles: canonicalSmiles(SEED), valid: true, similarity: 1, changedAtoms: [], tries: 0 });
    expectProvenance(r.seed, 'manual', null, null);
    if (r.molecule.smiles === r.seed.smiles) expect(r.molecule.changedAtoms).toEqual([]);
  });

  it('moves by amount · unit along an axis, and is the same for the same arguments', async () => {
    const args = { seed: SEED, offsets: [{ direction: 'pc2', amount: 1.5 }, { direction: 'pc1', amount: -1 }], randomSeed: 4 };
    const a = await walk(args), b = await walk(args);
    const { axes, variances } = model.latentStats;
    const want = a.seed.z.map((v, i) => v + 1.5 * Math.sqrt(variances[1]) * axes[1][i] - Math.sqrt(variances[0]) * axes[0][i]);
    expect(close(a.molecule.z, want)).toBe(true);
    expect(withoutTime(b.molecule)).toEqual(withoutTime(a.molecule));
    expect(a.molecule.svg).toBeNull();
    expectConsistent(a.molecule);
  });

  it('a molecule drawn again (same seed and size) comes out as it did the first time, and as a fresh core makes it', async () => {
    const args = { seed: SEED, offsets: [{ direction: 'pc3', amount: 0.7 }], draw: { width: 200, height: 160 } };
    const a = await walk(args), b = await walk(args);
    const fresh = designHandlers({ inWorkspace });
    try {
      const c = await fresh.handlers['latent.walk'](calls['latent.walk'].args.parse(args));
      for (const r of [b, c]) expect(withoutTime(r.molecule)).toEqual(withoutTime(a.molecule));
      expect(withoutTime(c.seed)).toEqual(withoutTime(a.seed));
    } finally {
      await fresh.close();
    }
    expect(a.molecule.svg).toContain('width=\'200px\'');
  });

  it('the same molecule written two ways is one seed: the same canonical seed, point and molecule', async () => {
    const a = await walk({ seed: SEED, offsets: [{ direction: 'pc1', amount: 0.5 }] });
    const b = await walk({ seed: 'Oc1ccc(NC(C)=O)cc1', offsets: [{ direction: 'pc1', amount: 0.5 }] });
    expect(b.seed.smiles).toBe(a.seed.smiles);
    expect(withoutTime(b.molecule)).toEqual(withoutTime(a.molecule));
  });

  it('drawSeed: false leaves only the seed\'s drawing out: same molecule, same seed panel', async () => {
    const args = { seed: SEED, offsets: [{ direction: 'pc1', amount: -0.6 }], draw: { width: 200, height: 160 }, randomSeed: 2 };
    const full = await walk(args), lean = await walk({ ...args, drawSeed: false });
    expect(full.seed.svg).toMatch(/<svg/);
    expect(lean.seed.svg).toBeNull();
    expect({ ...withoutTime(lean.seed), svg: full.seed.svg }).toEqual(withoutTime(full.seed));
    expect(withoutTime(lean.molecule)).toEqual(withoutTime(full.molecule));
    expect(JSON.stringify(lean).length).toBeLessThan(JSON.stringify(full).length - full.seed.svg!.length / 2);
  });

  it('a property direction moves the head\'s prediction that way; its opposite the other way', async () => {
    expect(model.propertyNames.length).toBeGreaterThan(0);
    for (const p of model.propertyNames) {
      for (const sign of ['+', '-'] as const) {
        const zs: number[][] = [];
        for (const amount of [0, 0.5, 1]) zs.push((await walk({ seed: SEED, offsets: [{ direction: `${p}${sign}`, amount }] })).molecule.z);
        const pred = (await model.predictProperties(Float32Array.from(zs.flat()), 3))[p];
        const steps = [pred[1] - pred[0], pred[2] - pred[1]];
        for (const s of steps) expect(sign === '+' ? s : -s, `${p}${sign}: ${Array.from(pred)}`).toBeGreaterThan(0);
      }
    }
  });

  it('a seed the vocabulary cannot express, a non-molecule and an unknown direction are 400s that say so', async () => {
    await expect(walk({ seed: 'CC[Xe]C', offsets: [] })).rejects.toMatchObject({ status: 400, message: expect.stringContaining("'[Xe]'") });
    await expect(walk({ seed: 'C1CC', offsets: [] })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/not a molecule/) });
    // asked again (the seed cache remembers what RDKit made of the text, a refusal too)
    await expect(walk({ seed: ' C1CC ', offsets: [] })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/not a molecule/) });
    await expect(walk({ seed: SEED, offsets: [{ direction: 'logd+', amount: 1 }] })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/no direction 'logd\+'.*clogp\+/) });
  });
});

describe('latent.interpolate', () => {
  for (const method of ['linear', 'slerp'] as const) {
    it(`${method}: the path starts at the first molecule, its repeats add up to the steps, every point on the ${method} path`, async () => {
      const steps = 9;
      const { path: p } = await interpolate({ from: SEED, to: OTHER, steps, method });
      const from = p[0].molecule.z;
      expect(p[0].t).toBe(0);
      expect(p.reduce((n, e) => n + e.repeats, 0)).toBe(steps);
      // the last entry's run ends at t = 1
      const last = p[p.length - 1];
      expect(last.t + (last.repeats - 1) / (steps - 1)).toBeCloseTo(1, 9);
      const [a, b] = await Promise.all([SEED, OTHER].map(async (s) => Float32Array.from((await design.handlers['latent.encode'](calls['latent.encode'].args.parse({ smiles: [s] }))).rows[0].z)));
      expect(close(from, a)).toBe(true);
      for (let k = 0; k < p.length; k++) {
        const e = p[k];
        expect(close(e.molecule.z, (method === 'slerp' ? slerp : lerp)(a, b, e.t))).toBe(true);
        if (k > 0) expect(e.molecule.smiles ?? e.molecule.raw).not.toBe(p[k - 1].molecule.smiles ?? p[k - 1].molecule.raw);
        expectConsistent(e.molecule);
        expect(e.molecule.provenance).toMatchObject({ operation: 'interpolate', seed: canonicalSmiles(SEED), params: { to: canonicalSmiles(OTHER), steps, method, t: e.t } });
      }
    });
  }

  it('slerp and linear paths differ between the ends and agree at them', () => {
    const a = Float32Array.from([1, 0, 0.5]), b = Float32Array.from([0, 2, -0.5]);
    expect(close(Array.from(slerp(a, b, 0)), a)).toBe(true);
    expect(close(Array.from(slerp(a, b, 1)), b)).toBe(true);
    const mid = slerp(a, b, 0.5), line = lerp(a, b, 0.5);
    expect(Math.hypot(...mid)).toBeGreaterThan(Math.hypot(...line));
  });
});

describe('latent.neighbours', () => {
  it('counts add up, molecules are unique, valid, not the seed and most similar first', async () => {
    const r = await neighbours({ seed: SEED, n: 40, radius: 0.8, randomSeed: 1 });
    const { counts, molecules } = r;
    expect(counts.tries).toBe(40);
    expect(counts.valid).toBeLessThanOrEqual(counts.tries);
    expect(counts.unique).toBe(molecules.length);
    expect(counts.unique).toBeLessThanOrEqual(counts.valid);
    expect(counts.new).toBe(molecules.filter(isNew).length);
    expect(new Set(molecules.map((m) => m.smiles)).size).toBe(molecules.length);
    expect(molecules.every((m) => m.valid && m.smiles !== r.seed.smiles)).toBe(true);
    for (let i = 1; i < molecules.length; i++) expect(molecules[i].similarity!).toBeLessThanOrEqual(molecules[i - 1].similarity!);
    for (const m of molecules) {
      expectConsistent(m);
      expect(m.provenance).toMatchObject({ operation: 'neighbours', seed: canonicalSmiles(SEED), randomSeed: 1, params: { n: 40, radius: 0.8, temperature: null } });
      // the draw recorded in the provenance says where the point is: seed + radius·ε of that draw
      const draw = m.provenance.params.draw as number, L = model.latent;
      const eps = new Rng(1).normals(40 * L, 0.8).subarray(draw * L, (draw + 1) * L);
      expect(close(m.z, r.seed.z.map((v, i) => v + eps[i]))).toBe(true);
    }
    expect(molecules.length).toBeGreaterThan(0);
    // each says how far from the training data its point lies; a seed from ZINC and its close neighbours are at home
    expect(r.seed.farFromTraining).toBe(false);
    for (const m of molecules) expect(m.latentDistance).toBeGreaterThan(0);
    // ten times the radius: most points land far outside what the model trained on
    const wide = await neighbours({ seed: SEED, n: 20, radius: 8, randomSeed: 1 });
    expect(wide.molecules.filter((m) => m.farFromTraining).length).toBeGreaterThan(wide.molecules.length / 2);
  });

  it('the same randomSeed gives the same neighbours, another gives other points; sampling too', async () => {
    const a = await neighbours({ seed: SEED, n: 12, radius: 0.5, randomSeed: 7, temperature: 0.8 });
    const b = await neighbours({ seed: SEED, n: 12, radius: 0.5, randomSeed: 7, temperature: 0.8 });
    const c = await neighbours({ seed: SEED, n: 12, radius: 0.5, randomSeed: 8, temperature: 0.8 });
    expect(b.molecules.map(withoutTime)).toEqual(a.molecules.map(withoutTime));
    expect(b.counts).toEqual(a.counts);
    const zs = (r: typeof a) => r.molecules.map((m) => m.z.join(','));
    expect(zs(c).some((z) => zs(a).includes(z))).toBe(false);
  });
});
