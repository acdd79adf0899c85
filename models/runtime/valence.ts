// Valence limits for constrained decoding: how many bond orders an atom token can carry, and how many a bond
// token spends. The syntax state machine (syntax.ts) adds them up per atom and masks the tokens that would go
// over, so a decode cannot write F with two neighbours, C=C(=O)=O or a ring closure on a saturated atom.
//
// The limits only ever forbid what RDKit refuses: aromatic bonds count 1 (their real order is at least that),
// the element's largest allowed valence is the limit (S 6, P 5, I 5), a charged B, C, N, O or F is held to the
// octet of its valence electrons less the charge (RDKit's isoelectronic rule: C+ 3, C- 3, N+ 4, N- 2, O+ 3,
// O- 1), a charged heavier atom may carry |charge| more than its element (RDKit gives it no more than that),
// and elements or tokens not listed here are not limited at all.
//
// One exception, on purpose: neutral N, and Cl and Br, are held to RDKit's valence table (3 and 1) although
// RDKit's clean-up rewrites a few hypervalent forms (N(=O)=O, n(=O), perchlorate) into their charged ones.
// Canonical SMILES, which the models are trained on, always write the charged form, so the mask steers a decode
// to that same molecule rather than through the forms the clean-up repairs.

/**
 * The largest valence RDKit (the app's, 2026.09) accepts per element, for the elements a SMILES model meets:
 * checked against it in main/chem/valence-limits.test.ts. (Older RDKits allowed P and As 7, Si 6.)
 */
const MAX_VALENCE: Readonly<Record<string, number>> = {
  H: 1, B: 3, C: 4, N: 3, O: 2, F: 1, Si: 4, P: 5, S: 6, Cl: 1, Se: 6, Br: 1, I: 5, As: 5, Te: 6, Ge: 4,
};

/** Valence electrons of the second-row elements, whose charged forms follow the octet exactly. */
const OCTET: Readonly<Record<string, number>> = { B: 3, C: 4, N: 5, O: 6, F: 7 };

/** Aromatic symbols as written in SMILES, and the element each stands for. */
const AROMATIC: Readonly<Record<string, string>> = { b: 'B', c: 'C', n: 'N', o: 'O', p: 'P', s: 'S', se: 'Se', as: 'As', te: 'Te' };

/** Bond orders as the valence count sees them (aromatic ':' counts one, like a directional single bond). */
const BOND_ORDER: Readonly<Record<string, number>> = { '-': 1, '/': 1, '\\': 1, ':': 1, '=': 2, '#': 3, $: 4 };

/** No limit: an element or token this table does not know (a metal, a wildcard, a query). */
export const UNLIMITED = 99;

/** The element a symbol stands for (aromatic symbols to their element), or null for anything else. */
function elementOf(symbol: string): string | null {
  if (symbol in MAX_VALENCE) return symbol;
  return AROMATIC[symbol] ?? null;
}

/**
 * Bond orders an atom token can carry in all: its element's largest valence, as its charge changes it (above),
 * less its explicit hydrogens. Organic-subset atoms ('C', 'Cl', 'c') get implicit hydrogens to fill, so their limit is the
 * element's; a token that is not an atom gives 0, an atom this table cannot judge UNLIMITED.
 */
export function atomCapacity(token: string): number {
  if (!token.startsWith('[')) {
    const el = elementOf(token);
    return el ? MAX_VALENCE[el] : /^(\*)$/.test(token) ? UNLIMITED : 0;
  }
  // [isotope? symbol chirality? (H count)? charge? (:class)?]
  const m = /^\[(\d+)?([A-Z][a-z]?|se|as|te|[bcnops]|\*)(@{1,2}|@[A-Z]{2}\d{1,2})?(H(\d*))?([+-](\d+|[+-]*))?(:\d+)?\]$/.exec(token);
  if (!m) return UNLIMITED;
  const el = elementOf(m[2]);
  if (!el) return UNLIMITED;
  // RDKit drops the hydrogen of a chiral atom that has four neighbours besides ([C@@H](C)(C)(C)C is neopentane),
  // so a chiral atom's hydrogen does not count against it
  const hydrogens = m[4] && !m[3] ? (m[5] ? Number(m[5]) : 1) : 0;
  let charge = 0;
  if (m[6]) charge = (m[6][0] === '-' ? -1 : 1) * (/^\d+$/.test(m[7]) ? Number(m[7]) : m[6].length);
  let max = MAX_VALENCE[el] + Math.abs(charge);
  if (el in OCTET && charge !== 0) {
    const electrons = OCTET[el] - charge;
    max = electrons < 0 || electrons > 8 ? 0 : electrons <= 4 ? electrons : 8 - electrons;
  }
  return Math.max(0, max - hydrogens);
}

/** The bond order a bond token spends on each of its atoms, or 0 for a token that is not a bond. */
export function bondOrder(token: string): number {
  return BOND_ORDER[token] ?? 0;
}
