// The decoding mask's valence table (models/runtime/valence.ts) held against RDKit itself: for every atom token of
// the shipped vocabularies, RDKit refuses the atom with one bond more than the table allows (so the mask never
// forbids a molecule RDKit would accept), and for the atoms the table knows exactly it accepts the limit; strings
// made by following the mask token by token never fail RDKit's valence check.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SmilesSyntax, initialSyntaxState } from '../../models/runtime/syntax.ts';
import { UNLIMITED, atomCapacity } from '../../models/runtime/valence.ts';
import { EOS_ID } from '../../models/vae/tokenizer.ts';
import { resolveModelRef } from '../design/model-path.ts';
import { loadRDKit, parseMol } from './rdkit.ts';

const vocabularies = ['zinc-chembl', 'zinc250k'].map((name) => {
  const manifest = JSON.parse(fs.readFileSync(path.join(resolveModelRef(name), 'manifest.json'), 'utf8'));
  return manifest.vocabulary.tokens as string[];
});
const atoms = [...new Set(vocabularies.flat())].filter((t) => atomCapacity(t) > 0 && atomCapacity(t) < UNLIMITED);
/** Aromatic atoms need a ring to be judged; their limit is their element's, checked through the aliphatic form. */
const aliphatic = atoms.filter((t) => !/^\[?\d*[a-z]/.test(t));
/**
 * Second-row atoms (neutral or charged), the halogens and the neutral heavier ones: the table is exact for them,
 * not only safe. Not chiral ones with a hydrogen: RDKit drops that hydrogen when four single bonds need the room
 * (valence.ts), not otherwise.
 */
const exact = aliphatic.filter((t) => (/^\[?\d*(B|C|N|O|F|Cl|Br|I)(?![a-z])/.test(t) || /^\[?\d*(P|S|Se|Si)(H\d?)?\]?$/.test(t)) && !/@.*H/.test(t));

/** The atom token with n methyl neighbours (one on the chain, the rest as branches). */
const withNeighbours = (token: string, n: number) => (n === 0 ? token : `${token}${'(C)'.repeat(n - 1)}C`);
const accepted = (smiles: string, details?: Record<string, unknown>) => {
  const mol = parseMol(smiles, details);
  mol?.delete();
  return mol !== null;
};

beforeAll(async () => {
  await loadRDKit();
});

describe('the valence table against RDKit', () => {
  it('reads the shipped vocabularies’ atoms', () => {
    expect(aliphatic.length).toBeGreaterThan(30);
    expect(exact).toEqual(expect.arrayContaining(['C', 'N', 'O', 'P', 'S', 'I', '[N+]', '[O-]', '[C@@]', '[NH3+]', '[PH]']));
  });

  it('RDKit refuses every atom token with one neighbour more than its capacity', () => {
    for (const t of aliphatic) expect(accepted(withNeighbours(t, atomCapacity(t) + 1)), `${t} × ${atomCapacity(t) + 1}`).toBe(false);
  });

  it('and accepts the second-row atoms and halogens with exactly their capacity', () => {
    for (const t of exact) expect(accepted(withNeighbours(t, atomCapacity(t))), `${t} × ${atomCapacity(t)}`).toBe(true);
  });

  it('strings that follow the mask never break a valence (RDKit with kekulization off: valences only)', () => {
    // the shipped vocabulary's exact atoms, single bonds only: every valence RDKit checks is one the table knows
    const tokens = vocabularies[0].map((t) => (atomCapacity(t) > 0 && !exact.includes(t) ? '?' : t));
    const syntax = new SmilesSyntax(tokens, 80);
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let checked = 0;
    for (let walk = 0; walk < 1500; walk++) {
      let st = initialSyntaxState();
      const ids: number[] = [];
      for (;;) {
        const mask = syntax.allowed(st);
        const rest = [...mask.keys()].filter((i) => mask[i] && i !== EOS_ID);
        if (mask[EOS_ID] && (rest.length === 0 || ids.length > 8 + (walk % 30) || rand() < 0.03)) break;
        if (rest.length === 0) break; // nothing allowed: checked in syntax.test.ts; not this test's question
        const id = rest[Math.floor(rand() * rest.length)];
        ids.push(id);
        st = syntax.next(st, id)!;
      }
      if (!syntax.canEnd(st)) continue;
      const smiles = ids.map((i) => tokens[i]).join('');
      expect(accepted(smiles, { kekulize: false }), smiles).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(1000);
  });
});
