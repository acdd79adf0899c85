// The RDKit service: one module per process, both failure modes of get_mol turned into null, oversized
// input refused before it can trap the WebAssembly, and recovery when a trap happens anyway.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_ATOMS,
  inputProblem,
  loadRDKit,
  noteRDKitFault,
  parseMol,
  parseMolFast,
  rdkit,
  rdkitGeneration,
  withMol,
} from './rdkit.ts';
import { zincSmiles } from './test-data.ts';
import { declaredAtomCount } from './atom-count.ts';
import { compileSmarts } from './queries.ts';
import { computeProperties } from './properties.ts';

beforeAll(async () => {
  await loadRDKit();
});

describe('parseMol and withMol', () => {
  it('loads one module per process', async () => {
    expect(await loadRDKit()).toBe(rdkit());
  });

  it('returns null for what RDKit refuses, whether get_mol returns null or throws', () => {
    for (const bad of ['', '   ', 'C1CC', 'C(C)(C)(C)(C)C', 'xyz', 'c1cccc1', 'M  END', '\n\n\n']) {
      expect(parseMol(bad), JSON.stringify(bad)).toBeNull();
    }
    expect(withMol('C1CC', () => 1)).toBeUndefined();
  });

  it('parses SMILES and molblocks and gives the result of fn', () => {
    expect(withMol('OCC', (m) => m.get_smiles())).toBe('CCO');
    const molblock = withMol('c1ccccc1O', (m) => m.get_molblock())!;
    expect(withMol(molblock, (m) => m.get_num_atoms())).toBe(7);
  });

  it('parseMolFast gives the same molecule as parseMol', () => {
    for (const s of [...zincSmiles(300), '[2H]C([2H])O', 'C[C@H](N)O', '[nH]1cccc1', '[H]C#N', 'CC(=O)[O-].[Na+]']) {
      const a = parseMol(s)!;
      const b = parseMolFast(s)!;
      try {
        expect(b.get_smiles(), s).toBe(a.get_smiles());
        expect(b.get_num_atoms(), s).toBe(a.get_num_atoms());
      } finally {
        a.delete();
        b.delete();
      }
    }
    expect(parseMolFast('C1CC')).toBeNull();
  });

  it('deletes the molecule after fn, also when fn throws', () => {
    let kept: ReturnType<typeof parseMol> = null;
    expect(() =>
      withMol('CCO', (m) => {
        kept = m;
        throw new Error('boom');
      }),
    ).toThrow('boom');
    // a deleted embind object refuses further calls
    expect(() => kept!.get_smiles()).toThrow();
  });
});

describe('input RDKit cannot survive', () => {
  it('counts declared atoms in SMILES and molblocks', () => {
    expect(declaredAtomCount('CC(=O)[O-].[Na+]')).toBe(5);
    expect(declaredAtomCount('ClC(Br)c1ccccc1')).toBe(9);
    const molblock = withMol('c1ccccc1O', (m) => m.get_molblock())!;
    expect(declaredAtomCount(molblock)).toBe(7);
  });

  it('refuses a chain longer than MAX_ATOMS with a reason, and RDKit stays usable', () => {
    const chain = 'C'.repeat(1000);
    expect(inputProblem(chain)).toMatch(/too large: 1000 atoms/);
    expect(parseMol(chain)).toBeNull();
    expect(parseMol('C'.repeat(MAX_ATOMS))).not.toBeNull();
    expect(withMol('CCO', (m) => m.get_smiles())).toBe('CCO');
  });

  it('replaces the module after a WebAssembly trap; query caches follow', async () => {
    const before = rdkitGeneration();
    const oldQuery = compileSmarts('[#7]');
    let trapped = false;
    try {
      rdkit().get_mol('C'.repeat(1200)); // bypasses the guard on purpose
    } catch (error) {
      trapped = noteRDKitFault(error);
    }
    expect(trapped).toBe(true);
    expect(rdkitGeneration()).toBe(before + 1);
    await loadRDKit();
    expect(withMol('CCN', (m) => m.get_smiles())).toBe('CCN');
    expect(compileSmarts('[#7]')).not.toBe(oldQuery);
    const props = withMol('CCN', computeProperties)!;
    expect(props.hba).toBe(1);
    expect(props.qed).toBeGreaterThan(0);
  });
});
