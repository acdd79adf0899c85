import { afterAll, describe, expect, it } from 'vitest';
import { ChemPool } from './chem-pool.ts';
import { loadRDKit, parseMol } from '../../chem/rdkit.ts';

describe('ChemPool', () => {
  const pool = new ChemPool(2);
  afterAll(() => pool.close());

  it('canonicalizes on two threads, with the reason for each failure', async () => {
    const input = ['OCC', 'C1=CC=CC=C1', 'C1CC', 'CC(C)(C)(C)(C)C', 'c1cccc1', 'C%%'];
    const [a, b] = await Promise.all([pool.canonicalize(input.slice(0, 3)), pool.canonicalize(input.slice(3))]);
    const canonical = [...a.canonical, ...b.canonical];
    const errors = [...a.errors, ...b.errors];
    // the same toolkit in this thread must agree with the threads
    await loadRDKit();
    const mine = (s: string) => {
      const m = parseMol(s)!;
      const out = m.get_smiles();
      m.delete();
      return out;
    };
    expect(canonical.slice(0, 2)).toEqual([mine('OCC'), mine('C1=CC=CC=C1')]);
    expect(canonical[0]).toBe(mine('CCO'));
    expect(canonical.slice(2)).toEqual([null, null, null, null]);
    expect(errors[0]).toBeNull();
    expect(errors[2]).toMatch(/unclosed ring/);
    expect(errors[3]).toMatch(/valence/i);
    expect(errors[4]).toMatch(/kekulize/i);
    expect(errors[5]).toMatch(/syntax error.*position/);
  });

  it('gives the toolkit\'s own canonical SMILES whether or not a SMILES has explicit hydrogen atoms', async () => {
    await loadRDKit();
    const input = ['[H]OC([H])([H])[H]', '[2H]C', 'F[C@@]([H])(Cl)Br', 'C[C@H](N)O', 'c1cc[nH]c1', '[NH4+]', '[Hg](C)C', 'CC(=O)[O-].[Na+]', 'C/C=C(/[H])C'];
    const r = await pool.canonicalize(input);
    const reference = input.map((s) => {
      const m = parseMol(s)!;
      const out = m.get_smiles();
      m.delete();
      return out;
    });
    expect(r.canonical).toEqual(reference);
    expect(r.canonical[0]).toBe('CO');
  });

  it('refuses a structure too large for RDKit\'s WebAssembly with the reason, and goes on', async () => {
    const r = await pool.canonicalize(['C'.repeat(2000), '', 'CCO']);
    expect(r.errors[0]).toMatch(/too large: 2000 atoms/);
    expect(r.errors[1]).toMatch(/empty/);
    expect(r.canonical).toEqual([null, null, 'CCO']);
  });

  it('computes properties, null where the SMILES does not parse', async () => {
    const r = await pool.properties(['CCO', 'C1CC']);
    expect(r.props[0]?.mol_wt).toBeCloseTo(46.07, 1);
    expect(r.props[0]?.hbd).toBe(1);
    expect(r.props[1]).toBeNull();
  });
});
