// The unfolded Morgan environments must be RDKit's: checked against the ids RDKit 2022.09 (Python) gave for
// 3,000 molecules, and, on molecules the fixture does not cover (isotopes, explicit H, salts, metals,
// charges, disconnected pieces), against the folded fingerprint of the RDKit in this process.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRDKit, withMol } from './rdkit.ts';
import { molGraph } from './mol-graph.ts';
import { hashCombine, hashRange, morganEnvironmentCounts } from './morgan-env.ts';
import { goldenRows, zincSmiles } from './test-data.ts';

beforeAll(async () => {
  await loadRDKit();
});

function foldedOnBits(smiles: string): { rdkit: number[]; ours: number[] } {
  return withMol(smiles, (m) => {
    const bytes = m.get_morgan_fp_as_uint8array(JSON.stringify({ radius: 2, nBits: 2048 })) as Uint8Array;
    const rdkit: number[] = [];
    for (let i = 0; i < 2048; i++) if (bytes[i >> 3] & (1 << (i & 7))) rdkit.push(i);
    const ours = [...new Set([...morganEnvironmentCounts(molGraph(m)).keys()].map((id) => id % 2048))];
    return { rdkit, ours: ours.sort((a, b) => a - b) };
  }) as { rdkit: number[]; ours: number[] };
}

describe('boost hash on 32-bit unsigned ints', () => {
  it('combines as seed ^ (v + 0x9e3779b9 + (seed << 6) + (seed >> 2)) mod 2^32', () => {
    expect(hashCombine(0, 0)).toBe(0x9e3779b9);
    const seed = 0xdeadbeef;
    const expected = Number((BigInt(seed) ^ ((5n + 0x9e3779b9n + ((BigInt(seed) << 6n) & 0xffffffffn) + (BigInt(seed) >> 2n)) & 0xffffffffn)) & 0xffffffffn);
    expect(hashCombine(seed, 5)).toBe(expected);
    expect(hashRange([1, 2])).toBe(hashCombine(hashCombine(0, 1), 2));
  });
});

describe('unfolded radius-2 Morgan environments', () => {
  it('equal RDKit 2022.09 morgan2_counts (ids and counts) for the golden molecules', () => {
    const rows = goldenRows();
    const mismatches: string[] = [];
    for (const row of rows) {
      const got = withMol(row.smiles, (m) => morganEnvironmentCounts(molGraph(m)));
      const expected = Object.entries(row.morgan2_counts);
      const same =
        got !== undefined && got.size === expected.length && expected.every(([id, n]) => got.get(Number(id)) === n);
      if (!same) mismatches.push(row.smiles);
    }
    expect(mismatches.length / rows.length).toBeLessThanOrEqual(0.005);
    expect(mismatches).toEqual([]); // today every one agrees: keep it that way
  });

  it('fold onto the same 2048 bits as RDKit get_morgan_fp_as_uint8array, on unusual molecules too', () => {
    const odd = [
      '[2H]C([2H])([2H])c1ccccc1',
      '[H][H]',
      '[2H]O[2H]',
      '[13CH3]C(=O)[O-].[Na+]',
      '[14CH4]',
      'C[N+](C)(C)C.[Cl-]',
      'O=O',
      '[Cu+2].[O-]S(=O)(=O)[O-]',
      'F[Si-2](F)(F)(F)(F)F.[K+].[K+]',
      'c1ccccc1.c1ccccc1',
      'C1CC1N',
      '[U]',
      'CC[C@H](N)C(=O)O',
      'C/C=C/C',
      'C1=CC=CC=C1',
      'c1cc[nH]c1',
      '[NH4+].[NH4+].[O-]S([O-])(=O)=O',
      'C12C3C4C1C5C2C3C45',
      'O=[N+]([O-])c1ccc(cc1)[N+](=O)[O-]',
      'C[S@@](=O)c1ccccc1',
      '[C-]#[O+]',
      '[CH2]C', // a radical
    ];
    const smiles = [...odd, ...zincSmiles(200)];
    const mismatches = smiles.filter((s) => {
      const { rdkit, ours } = foldedOnBits(s);
      return rdkit.join(',') !== ours.join(',');
    });
    expect(mismatches).toEqual([]);
  });
});
