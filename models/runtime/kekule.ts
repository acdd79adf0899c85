// Whether an aromatic system a decode has finished can still be kekulized: every aromatic atom that needs a
// double bond in a Kekulé form gets exactly one, to an aromatic neighbour that can take one. The syntax mask
// (syntax.ts) asks this when a token leaves a system final, so that a decode does not end on c1cccc1 or on a
// pyridine-like ring whose nitrogen should have been [nH].
//
// The judgement only ever refuses what RDKit refuses. RDKit's kekulization (MolOps::Kekulize) pairs up the
// aromatic atoms that need a double bond; an atom needs one when its bonds and hydrogens fall short of its
// valence. Here "needs" is claimed only where that is certain (an uncharged carbon without an exocyclic double
// bond; a nitrogen one bond short of its valence, as in pyridine or pyridinium), and "can take one" is granted to
// any aromatic atom with room for another bond (sulfur as in thiophene excepted: S has no valence 3). So an atom
// RDKit would also pair may be left out of "needs" and an atom it would not pair may be counted as a partner:
// both only make a matching easier to find, never a kekulizable system look unkekulizable.

/** How an aromatic atom token takes part in a Kekulé form (see piNeed). */
export type AromaticClass = 'none' | 'carbon' | 'bracket-carbon' | 'nitrogen' | 'sulfur' | 'other';

/** How a bond token joins two aromatic atoms: aromatic (may be), single (never: biaryl '-'), multiple (=, #). */
export type BondKind = 'none' | 'aromatic' | 'single' | 'multiple';

export function aromaticClassOf(token: string): AromaticClass {
  if (token === 'c') return 'carbon';
  if (token === 'n') return 'nitrogen';
  if (token === 's') return 'sulfur';
  if (/^[bops]$/.test(token) || token === 'se' || token === 'as' || token === 'te') return 'other';
  const m = /^\[\d*(c|n|se|as|te|[bops])[^\]]*\]$/.exec(token);
  if (!m) return 'none';
  const charged = /[+-]/.test(token);
  if (m[1] === 'c') return charged ? 'other' : 'bracket-carbon';
  if (m[1] === 'n') return 'nitrogen';
  return 'other';
}

export function bondKindOf(token: string): BondKind {
  if (token === '-') return 'single';
  if (token === '=' || token === '#' || token === '$') return 'multiple';
  // ':' is aromatic; a directional '/' or '\' and '~' are counted as possibly aromatic (a partner more: only easier)
  if (token === ':' || token === '/' || token === '\\' || token === '~') return 'aromatic';
  return 'none';
}

/** The bond between two atoms written with these bond tokens' kinds ('none': no token): its kind. */
export function joinedBy(a: BondKind, b: BondKind): BondKind {
  if (a === 'multiple' || b === 'multiple') return 'multiple';
  if (a === 'single' || b === 'single') return 'single';
  return 'aromatic';
}

/** 0: cannot take a double bond; 1: can; 2: must have one. `free`: bond orders it can still take; `pi`: it has
 * a double or triple bond outside the aromatic system already. */
export function piNeed(cls: AromaticClass, free: number, pi: boolean): 0 | 1 | 2 {
  if (cls === 'none' || pi || free < 1) return 0;
  switch (cls) {
    case 'carbon':
      return 2; // c with two or three bonds: its implicit hydrogen fills the rest, a double bond it needs
    case 'bracket-carbon':
    case 'nitrogen':
      return free === 1 ? 2 : 1; // one short of its valence (hydrogens in the bracket counted): pyridine n, [cH]
    case 'sulfur':
      // S (valences 2, 4, 6): with two bonds it may not take a double one, with three it must (thiophene's s
      // against a thiopyrylium-like one), with four it may not
      return free === 3 || free === 1 ? 2 : free === 5 ? 1 : 0;
    default:
      return 1;
  }
}

/** Backtracking steps before the answer is taken as "kekulizable" (a system too tangled to settle here). */
const STEP_LIMIT = 20_000;

/**
 * Whether the atoms 0..n-1 (need per piNeed; links as neighbour lists of indices 0..n-1) have a matching over
 * the atoms that can take a double bond that covers every atom that must.
 */
export function kekulizable(need: ArrayLike<number>, links: readonly (readonly number[])[]): boolean {
  const n = need.length, start = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) start[i + 1] = start[i] + links[i].length;
  return kekulizableCsr(n, need, start, Int32Array.from(links.flat()));
}

/** kekulizable() with the links of atom i as adj[start[i]] .. adj[start[i + 1] - 1]. */
export function kekulizableCsr(n: number, need: ArrayLike<number>, start: ArrayLike<number>, adj: ArrayLike<number>): boolean {
  let musts = 0;
  for (let i = 0; i < n; i++) {
    if (need[i] !== 2) continue;
    musts++;
    let partnered = false;
    for (let e = start[i]; e < start[i + 1] && !partnered; e++) partnered = need[adj[e]] > 0;
    if (!partnered) return false;
  }
  if (musts === 0) return true;
  const partner = new Int32Array(n).fill(-1);
  let steps = 0;
  const cover = (from: number): boolean => {
    let i = from;
    while (i < n && (need[i] !== 2 || partner[i] >= 0)) i++;
    if (i === n) return true;
    if (++steps > STEP_LIMIT) return true;
    for (let e = start[i]; e < start[i + 1]; e++) {
      const j = adj[e];
      if (need[j] === 0 || partner[j] >= 0) continue;
      partner[i] = j;
      partner[j] = i;
      if (cover(i + 1)) return true;
      partner[i] = partner[j] = -1;
    }
    return false;
  };
  return cover(0);
}
