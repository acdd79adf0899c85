// The valence table the decoding mask counts with: what each atom token can carry, what each bond token spends.
// (That it never forbids what RDKit accepts is checked against RDKit in main/chem/valence-limits.test.ts.)
import { describe, expect, it } from 'vitest';
import { UNLIMITED, atomCapacity, bondOrder } from './valence.ts';

describe('atomCapacity', () => {
  it('gives organic-subset atoms their element’s largest valence, aromatic or not', () => {
    const want: Record<string, number> = { B: 3, C: 4, N: 3, O: 2, F: 1, P: 5, S: 6, Cl: 1, Br: 1, I: 5, b: 3, c: 4, n: 3, o: 2, p: 5, s: 6 };
    for (const [t, v] of Object.entries(want)) expect(atomCapacity(t), t).toBe(v);
  });

  it('takes explicit hydrogens off and follows the octet for charged second-row atoms', () => {
    const want: Record<string, number> = {
      '[C@@H]': 4, '[CH]': 3, '[C@]': 4, '[CH2-]': 1, '[CH-]': 2, '[C+]': 3, '[C-]': 3, '[N+]': 4, '[NH+]': 3, '[NH3+]': 1, '[NH2+]': 2,
      '[N-]': 2, '[NH-]': 1, '[O-]': 1, '[O+]': 3, '[OH+]': 2, '[nH]': 2, '[n+]': 4, '[nH+]': 3, '[n-]': 2, '[o+]': 3,
      '[cH-]': 2, '[c+]': 3, '[B-]': 4, '[BH3-]': 1, '[N]': 3, '[O]': 2, '[N++]': 3, '[N+2]': 3, '[O-2]': 0,
    };
    for (const [t, v] of Object.entries(want)) expect(atomCapacity(t), t).toBe(v);
  });

  it('lets heavier charged atoms carry |charge| more, and reads isotopes, chirality and atom classes', () => {
    const want: Record<string, number> = {
      '[S+]': 7, '[S-]': 7, '[S@@+]': 7, '[SH+]': 6, '[P+]': 6, '[PH+]': 5, '[PH2]': 3, '[P@@H]': 5, '[s+]': 7, '[I+]': 6, '[Se]': 6, '[se]': 6,
      '[13CH3]': 1, '[11C]': 4, '[2H]': 1, '[3H]': 1, '[18F]': 1, '[125I]': 5, '[14C]': 4, '[CH3:1]': 1, '[C@@H:12]': 4, '[Si]': 4,
    };
    for (const [t, v] of Object.entries(want)) expect(atomCapacity(t), t).toBe(v);
  });

  it('does not limit what it does not know, and gives non-atoms nothing', () => {
    for (const t of ['[Na+]', '[Fe+2]', '[Pt]', '*', '[*]', '[Xx]', '[C']) expect(atomCapacity(t), t).toBe(UNLIMITED);
    for (const t of ['(', ')', '1', '%10', '=', '<eos>', 'X']) expect(atomCapacity(t), t).toBe(0);
  });
});

describe('bondOrder', () => {
  it('counts single, directional and aromatic bonds one, = two, # three, $ four', () => {
    expect(['-', '/', '\\', ':', '=', '#', '$', '(', 'C'].map(bondOrder)).toEqual([1, 1, 1, 1, 2, 3, 4, 0, 0]);
  });
});
