// BRICS fragments (Degen et al., ChemMedChem 3, 1503–1507, 2008) as MOSES's Frag metric makes them: every bond
// BRICS would cut is cut at once (RDKit's FragmentOnBRICSBonds), each end gets a dummy atom labelled with its own
// environment ([1*], [3*] …), and the fragments are the parts of RDKit's canonical SMILES of the cut molecule
// (MOSES's fragmenter: MolToSmiles(FragmentOnBRICSBonds(mol)).split('.')). RDKit MinimalLib has no BRICS, so
// the cutting is done here: each environment is matched as a one-atom recursive SMARTS, the rules are tried in
// the order RDKit's FragmentOnBRICSBonds tries them (last to first: the list runs from general to specific) and the
// first rule that fits a bond labels it, and the fragments are written from the atom graph (subgraph-smiles.ts) and
// canonicalized by RDKit. Stereo marks are not kept (MOSES keeps them).
import type { MolGraph } from '../chem/mol-graph.ts';
import { BondType, molGraph } from '../chem/mol-graph.ts';
import { compileSmarts } from '../chem/queries.ts';
import type { CompiledQuery } from '../chem/queries.ts';
import type { JSMol } from '../chem/rdkit.ts';
import { withMol } from '../chem/rdkit.ts';
import { canonicalSmiles } from './canonical.ts';
import type { CutBond } from './subgraph-smiles.ts';
import { writeSubgraph } from './subgraph-smiles.ts';

/**
 * The BRICS environments, data copied from RDKit's rdkit/Chem/BRICS.py (`environs`, BSD licence, © 2009
 * Novartis Institutes for BioMedical Research), which follows Degen et al. 2008 with RDKit's changes (L2 folded
 * into L5; L7a/L7b for the two ends of a C=C; L14b and L16b equal to L14 and L16 and so left out here).
 */
export const BRICS_ENVIRONMENTS: Readonly<Record<string, string>> = {
  '1': '[C;D3]([#0,#6,#7,#8])(=O)',
  '3': '[O;D2]-;!@[#0,#6,#1]',
  '4': '[C;!D1;!$(C=*)]-;!@[#6]',
  '5': '[N;!D1;!$(N=*);!$(N-[!#6;!#16;!#0;!#1]);!$([N;R]@[C;R]=O)]',
  '6': '[C;D3;!R](=O)-;!@[#0,#6,#7,#8]',
  '7': '[C;D2,D3]-[#6]',
  '8': '[C;!R;!D1;!$(C!-*)]',
  '9': '[n;+0;$(n(:[c,n,o,s]):[c,n,o,s])]',
  '10': '[N;R;$(N(@C(=O))@[C,N,O,S])]',
  '11': '[S;D2](-;!@[#0,#6])',
  '12': '[S;D4]([#6,#0])(=O)(=O)',
  '13': '[C;$(C(-;@[C,N,O,S])-;@[N,O,S])]',
  '14': '[c;$(c(:[c,n,o,s]):[n,o,s])]',
  '15': '[C;$(C(-;@C)-;@C)]',
  '16': '[c;$(c(:c):c)]',
};

/**
 * The bonds BRICS cuts: [environment of one end, environment of the other, bond], as listed in RDKit's BRICS.py
 * (`reactionDefs`, same source and licence; the same list is in RDKit's C++ MolFragmenter.cpp). Every bond is
 * acyclic.
 */
export const BRICS_RULES: readonly (readonly [string, string, '-' | '='])[] = [
  ['1', '3', '-'], ['1', '5', '-'], ['1', '10', '-'],
  ['3', '4', '-'], ['3', '13', '-'], ['3', '14', '-'], ['3', '15', '-'], ['3', '16', '-'],
  ['4', '5', '-'], ['4', '11', '-'],
  ['5', '12', '-'], ['5', '14', '-'], ['5', '16', '-'], ['5', '13', '-'], ['5', '15', '-'],
  ['6', '13', '-'], ['6', '14', '-'], ['6', '15', '-'], ['6', '16', '-'],
  ['7', '7', '='],
  ['8', '9', '-'], ['8', '10', '-'], ['8', '13', '-'], ['8', '14', '-'], ['8', '15', '-'], ['8', '16', '-'],
  ['9', '13', '-'], ['9', '14', '-'], ['9', '15', '-'], ['9', '16', '-'],
  ['10', '13', '-'], ['10', '14', '-'], ['10', '15', '-'], ['10', '16', '-'],
  ['11', '13', '-'], ['11', '14', '-'], ['11', '15', '-'], ['11', '16', '-'],
  ['13', '14', '-'], ['13', '15', '-'], ['13', '16', '-'],
  ['14', '14', '-'], ['14', '15', '-'], ['14', '16', '-'],
  ['15', '16', '-'],
  ['16', '16', '-'],
];

let environmentQueries: Map<string, CompiledQuery> | null = null;

/** The atoms matching each environment: the environment as a one-atom recursive SMARTS, so every atom is seen. */
function environmentAtoms(mol: JSMol): Map<string, Set<number>> {
  environmentQueries ??= new Map(Object.entries(BRICS_ENVIRONMENTS).map(([k, s]) => [k, compileSmarts(`[$(${s})]`)]));
  const out = new Map<string, Set<number>>();
  for (const [k, q] of environmentQueries) {
    const json = mol.get_substruct_matches(q.qmol);
    const matches = json === '{}' ? [] : (JSON.parse(json) as { atoms: number[] }[]);
    out.set(k, new Set(matches.map((m) => m.atoms[0])));
  }
  return out;
}

/**
 * The bonds BRICS cuts in a molecule, each with the labels of its two dummy atoms (an end's label is its own
 * environment). As in RDKit's fragmentOnBonds, the rules are tried from the last to the first and a bond takes the
 * first that fits (a ring carbon bonded to an amine N and to an exocyclic carbon is L15 to the N, not L4); within a
 * rule the end matching the rule's first environment is taken at the lower atom index, as RDKit's matcher finds it
 * first.
 */
export function bricsCuts(mol: JSMol, g: MolGraph = molGraph(mol)): Map<number, CutBond> {
  const env = environmentAtoms(mol);
  const cuts = new Map<number, CutBond>();
  for (const [e1, e2, bond] of [...BRICS_RULES].reverse()) {
    const [at1, at2] = [env.get(e1)!, env.get(e2)!];
    if (!at1.size || !at2.size) continue;
    const want = bond === '=' ? BondType.DOUBLE : BondType.SINGLE;
    for (const a of [...at1].sort((x, y) => x - y)) {
      for (const b of g.atomBonds[a]) {
        if (cuts.has(b) || g.bondInRing[b] || g.bondType[b] !== want) continue;
        const n = g.bondBegin[b] === a ? g.bondEnd[b] : g.bondBegin[b];
        if (!at2.has(n)) continue;
        const [l1, l2] = [Number(e1), Number(e2)];
        cuts.set(b, g.bondBegin[b] === a ? { beginLabel: l1, endLabel: l2 } : { beginLabel: l2, endLabel: l1 });
      }
    }
  }
  return cuts;
}

/**
 * MOSES's fragmenter: the molecule's BRICS fragments as canonical SMILES with labelled dummy atoms, one entry per
 * fragment (a fragment occurring twice is listed twice; a molecule BRICS does not cut is its own fragment);
 * undefined when RDKit cannot read the SMILES.
 */
export function bricsFragments(smiles: string): string[] | undefined {
  const written = withMol(smiles, (mol) => {
    const g = molGraph(mol);
    return writeSubgraph(g, new Uint8Array(g.numAtoms).fill(1), bricsCuts(mol, g));
  });
  if (written === undefined) return undefined;
  // canonicalized together and split, as MOSES splits the SMILES of the whole cut molecule
  return canonicalSmiles(written)?.split('.');
}

/** Fragment counts over molecules (MOSES's compute_fragments); molecules RDKit cannot read are left out. */
export function fragmentCounts(smiles: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of smiles) for (const f of bricsFragments(s) ?? []) out.set(f, (out.get(f) ?? 0) + 1);
  return out;
}
