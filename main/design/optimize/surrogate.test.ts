// The surrogate's ridge regression against closed-form answers, its cross-validated R² high on a learnable
// relation and near or below zero on noise (with the warning), and on real fingerprints of real molecules
// (ESOL's measured solubility: CV R² ≈ 0.6 at alpha 10).
import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../models/graph/rng.ts';
import { morganFingerprintOf } from '../../chem/fingerprint.ts';
import { loadRDKit } from '../../chem/rdkit.ts';
import { sharedDataPath } from './test-paths.ts';
import { crossValidate, fingerprintFeatures, fitRidge, fitSurrogate, predictRidge, r2, solveSpd } from './surrogate.ts';

beforeAll(async () => {
  await loadRDKit();
});

describe('ridge regression', () => {
  it('solves a small SPD system exactly', () => {
    const x = solveSpd(Float64Array.from([4, 2, 2, 3]), Float64Array.from([2, 1]), 2);
    expect(x[0]).toBeCloseTo(0.5, 12);
    expect(x[1]).toBeCloseTo(0, 12);
  });

  it('recovers a linear relation (primal) and agrees with the dual form', () => {
    const rng = new Rng(1);
    const x = Array.from({ length: 40 }, () => rng.normals(3));
    const y = x.map((r) => 2 * r[0] - r[1] + 0.5 * r[2] + 7);
    const m = fitRidge(x, y, 1e-9);
    expect(Array.from(m.weights).map((w) => +w.toFixed(6))).toEqual([2, -1, 0.5]);
    expect(predictRidge(m, [0, 0, 0])).toBeCloseTo(7, 6);
    // more features than molecules: the dual form gives the same predictions as the primal one would
    const wide = Array.from({ length: 8 }, () => rng.normals(20));
    const yw = wide.map((r) => r[0] + r[5]);
    const dual = fitRidge(wide, yw, 0.5);
    const k = wide.map((r) => predictRidge(dual, r));
    expect(r2(yw, k)).toBeGreaterThan(0.9);
  });

  it('cross-validated R² is high for signal, low for noise, and warns', () => {
    const rng = new Rng(2);
    const x = Array.from({ length: 60 }, () => rng.normals(5));
    const signal = x.map((r) => r[0] + 0.1 * rng.normal());
    const noise = x.map(() => rng.normal());
    expect(crossValidate(x, signal, 0.1, 5, 0).r2).toBeGreaterThan(0.9);
    const s = fitSurrogate(x, signal, 'latent', 0);
    expect(s.cvR2).toBeGreaterThan(0.9);
    expect(s.warning).toBeNull();
    const bad = fitSurrogate(x, noise, 'latent', 0);
    expect(bad.cvR2).toBeLessThan(0.3);
    expect(bad.warning).toMatch(/too weak/);
    expect(() => fitSurrogate(x.slice(0, 5), signal.slice(0, 5), 'latent', 0)).toThrow(/at least 10/);
  });

  it('a fingerprint surrogate of a measured column (ESOL solubility) is trustworthy; of the same values shuffled, warned', () => {
    const rows = (parse(fs.readFileSync(sharedDataPath('samples/esol.csv'), 'utf8'), { columns: true }) as Record<string, string>[]).slice(0, 400);
    const ok = rows.filter((r) => morganFingerprintOf(r.smiles));
    const x = ok.map((r) => fingerprintFeatures(morganFingerprintOf(r.smiles)!));
    const measured = ok.map((r) => Number(r['measured log solubility in mols per litre']));
    const sol = fitSurrogate(x, measured, 'fingerprint', 0);
    const shuffled = fitSurrogate(x, new Rng(9).shuffle([...measured]), 'fingerprint', 0);
    expect(sol.molecules).toBeGreaterThan(350);
    expect(sol.cvR2).toBeGreaterThan(0.5);
    expect(sol.warning).toBeNull();
    expect(shuffled.warning).toMatch(/too weak/);
  }, 120_000);
});
