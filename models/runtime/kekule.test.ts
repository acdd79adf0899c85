// kekule.ts by hand: which aromatic atoms need a double bond, and the matching over small systems.
import { describe, expect, it } from 'vitest';
import { aromaticClassOf, bondKindOf, joinedBy, kekulizable, piNeed } from './kekule.ts';

/** A ring of n atoms as neighbour lists. */
const ring = (n: number) => Array.from({ length: n }, (_, i) => [(i + n - 1) % n, (i + 1) % n]);

describe('kekule', () => {
  it('classes aromatic tokens and bonds', () => {
    expect(['c', 'n', 's', 'o', '[nH]', '[cH]', '[13c]', '[c-]', '[n+]', 'C', '[C@H]'].map(aromaticClassOf)).toEqual([
      'carbon', 'nitrogen', 'sulfur', 'other', 'nitrogen', 'bracket-carbon', 'bracket-carbon', 'other', 'nitrogen', 'none', 'none',
    ]);
    expect(['-', '=', '#', ':', '/', '('].map(bondKindOf)).toEqual(['single', 'multiple', 'multiple', 'aromatic', 'aromatic', 'none']);
    expect(joinedBy('none', 'none')).toBe('aromatic');
    expect(joinedBy('single', 'none')).toBe('single');
    expect(joinedBy('aromatic', 'multiple')).toBe('multiple');
  });

  it('says which atoms must, may or cannot take a double bond', () => {
    // free: bond orders an atom can still take (valence.ts capacity less its bonds, aromatic ones as one)
    expect(piNeed('carbon', 2, false)).toBe(2); // c with two ring bonds (and its hydrogen)
    expect(piNeed('carbon', 1, true)).toBe(0); // c(=O)
    expect(piNeed('nitrogen', 1, false)).toBe(2); // pyridine n
    expect(piNeed('nitrogen', 0, false)).toBe(0); // n with three bonds, or [nH] with two
    expect(piNeed('nitrogen', 2, false)).toBe(1);
    expect(piNeed('sulfur', 4, false)).toBe(0); // thiophene s
    expect(piNeed('sulfur', 3, false)).toBe(2); // s with three bonds: S(IV) needs one more
    expect(piNeed('other', 1, false)).toBe(1);
    expect(piNeed('none', 3, false)).toBe(0);
  });

  it('pairs every atom that must have a double bond with a neighbour that can', () => {
    expect(kekulizable([2, 2, 2, 2, 2, 2], ring(6))).toBe(true); // benzene
    expect(kekulizable([2, 2, 2, 2, 2], ring(5))).toBe(false); // five carbons
    expect(kekulizable([0, 2, 2, 2, 2], ring(5))).toBe(true); // pyrrole
    expect(kekulizable([1, 2, 2, 2, 2], ring(5))).toBe(true); // one atom may pair or not
    // naphthalene: atoms 0-9, fused at 4 and 9
    const naph = [[1, 9], [0, 2], [1, 3], [2, 4], [3, 5, 9], [4, 6], [5, 7], [6, 8], [7, 9], [8, 0, 4]];
    expect(kekulizable(Array(10).fill(2), naph)).toBe(true);
    // pentalene-like odd count: nine atoms cannot all pair
    expect(kekulizable(Array(9).fill(2), ring(9))).toBe(false);
    // a must-atom whose only neighbours cannot take a double bond
    expect(kekulizable([2, 0, 0], [[1, 2], [0], [0]])).toBe(false);
    expect(kekulizable([], [])).toBe(true);
  });
});
