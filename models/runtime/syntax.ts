// A token-level SMILES syntax state machine for constrained decoding: which vocabulary tokens may come next so
// that the string can still end as syntactically valid SMILES. It tracks open branches, open ring-closure
// digits (and which atom opened each), the previous token's kind and the atom the current one hangs on, and
// forbids: a bond after a bond or at the start, ')' with no open branch or right after '(' or a bond, a ring
// digit closed on the atom that opened it or on its chain neighbour (a second bond between the same atoms),
// <eos> with open branches or rings, and anything that could no longer be closed within the length limit.
// Chemistry (valences, aromaticity) is not its job: RDKit judges that afterwards through isValid.
import { EOS_ID } from '../vae/tokenizer.ts';

type Kind = 'atom' | 'bond' | 'open' | 'close' | 'ring' | 'dot' | 'never';
type Prev = 'start' | 'atom' | 'bond' | 'open' | 'close' | 'ring' | 'dot';

function kindOf(token: string): Kind {
  if (token.startsWith('[') && token.endsWith(']') && token.length > 2) return 'atom';
  if (/^(Br|Cl|[BCNOPSFIbcnops*])$/.test(token)) return 'atom';
  if (/^[-=#:/\\$~]$/.test(token)) return 'bond';
  if (token === '(') return 'open';
  if (token === ')') return 'close';
  if (/^(\d|%\d\d)$/.test(token)) return 'ring';
  if (token === '.') return 'dot';
  return 'never'; // specials, and '+', '@', '?', '>' outside brackets
}

export interface SyntaxState {
  prev: Prev;
  /** The token before prev's kind, when prev is a bond (a ring bond needs an atom or ring digit before it). */
  beforeBond: Prev;
  /** Open branches: for each, the atom index the branch hangs on. */
  branches: number[];
  /** Open ring digits → the atom that opened them. */
  rings: Map<string, number>;
  /** Atoms so far; index of the current atom (the one new bonds attach to) and its chain neighbour. */
  atoms: number;
  current: number;
  neighbour: number;
  /** Partners the current atom already closed rings with. */
  closedWith: number[];
  /** Tokens emitted so far (not counting <bos>). */
  length: number;
}

export function initialSyntaxState(): SyntaxState {
  return { prev: 'start', beforeBond: 'start', branches: [], rings: new Map(), atoms: 0, current: -1, neighbour: -1, closedWith: [], length: 0 };
}

const KINDS: readonly Kind[] = ['atom', 'bond', 'open', 'close', 'ring', 'dot', 'never'];
const RING = KINDS.indexOf('ring');

export class SmilesSyntax {
  private readonly kinds: Kind[];
  /** kinds as indices into KINDS, and allowed()'s scratch: one decision per kind. */
  private readonly kindCodes: Uint8Array;
  private readonly byKind = new Int8Array(KINDS.length);

  /** tokens: the vocabulary in id order; maxLength: most tokens before <eos> is forced (<eos> excluded). */
  constructor(
    readonly tokens: readonly string[],
    readonly maxLength: number,
  ) {
    this.kinds = tokens.map(kindOf);
    this.kindCodes = Uint8Array.from(this.kinds, (k) => KINDS.indexOf(k));
  }

  /**
   * Fewest tokens needed to end after a token of kind `prev`: a final atom if the string cannot end on it, a ')'
   * per open branch, a digit per open ring, plus the atoms needed before a ring can close at all (not on the
   * atom that opened it, nor on that atom's chain neighbour).
   */
  private static toFinish(prev: Prev, branches: number, rings: number, atCurrent: boolean, atNeighbour: boolean): number {
    const needAtom = prev === 'bond' || prev === 'open' || prev === 'dot' || prev === 'start' ? 1 : 0;
    const extra = rings === 0 ? 0 : needAtom ? (atCurrent ? 1 : 0) : atCurrent ? 2 : atNeighbour ? 1 : 0;
    return needAtom + (prev === 'open' ? 1 : 0) + rings + extra + branches;
  }

  /** Whether a string of len tokens, the last of kind prev, can still be finished within maxLength. */
  private fits(len: number, prev: Prev, branches: number, rings: number, atCurrent: boolean, atNeighbour = false): boolean {
    return len + SmilesSyntax.toFinish(prev, branches, rings, atCurrent, atNeighbour) <= this.maxLength;
  }

  /** Whether token id may come next (no allocation: called for every token at every step). */
  can(s: SyntaxState, id: number, ringAtCurrent = SmilesSyntax.opened(s, s.current)): boolean {
    const p = s.prev;
    const afterAtom = p === 'atom' || p === 'ring' || p === 'close';
    const len = s.length + 1, nb = s.branches.length, nr = s.rings.size;
    // fits is a method, not a closure made here: this runs for every token at every decode step, and a closure
    // per call costs an allocation (and, under tsx's keepNames, a defineProperty) each time.
    switch (this.kinds[id]) {
      case 'atom':
        return this.fits(len, 'atom', nb, nr, false, p !== 'dot' && p !== 'start' && ringAtCurrent);
      case 'bond':
        return (afterAtom || p === 'open') && this.fits(len, 'bond', nb, nr, ringAtCurrent);
      case 'open':
        return afterAtom && this.fits(len, 'open', nb + 1, nr, ringAtCurrent);
      case 'close':
        return afterAtom && nb > 0 && this.fits(len, 'close', nb - 1, nr, SmilesSyntax.opened(s, s.branches[nb - 1]), true);
      case 'ring': {
        const ringable = p === 'atom' || p === 'ring' || (p === 'bond' && (s.beforeBond === 'atom' || s.beforeBond === 'ring'));
        if (!ringable) return false;
        const token = this.tokens[id];
        const opener = s.rings.get(token);
        if (opener === undefined) return this.fits(len, 'ring', nb, nr + 1, true);
        if (opener === s.current || opener === s.neighbour || s.closedWith.includes(opener)) return false;
        return this.fits(len, 'ring', nb, nr - 1, SmilesSyntax.opened(s, s.current, token), SmilesSyntax.opened(s, s.neighbour, token));
      }
      case 'dot':
        return afterAtom && nb === 0 && this.fits(len, 'dot', 0, nr, ringAtCurrent);
      default:
        return false;
    }
  }

  /** Whether atom opened a ring that is still open (other than `except`). */
  private static opened(s: SyntaxState, atom: number, except?: string): boolean {
    if (atom < 0 || s.rings.size === 0) return false;
    for (const [t, a] of s.rings) if (a === atom && t !== except) return true;
    return false;
  }

  /** The state after token id, or null when it may not come next. */
  next(s: SyntaxState, id: number): SyntaxState | null {
    if (!this.can(s, id)) return null;
    const p = s.prev;
    const length = s.length + 1;
    switch (this.kinds[id]) {
      case 'atom':
        return { ...s, length, prev: 'atom', atoms: s.atoms + 1, current: s.atoms, neighbour: p === 'dot' || p === 'start' ? -1 : s.current, closedWith: [] };
      case 'bond':
        return { ...s, length, prev: 'bond', beforeBond: p };
      case 'open':
        return { ...s, length, prev: 'open', branches: [...s.branches, s.current] };
      case 'close':
        // Back on the atom the branch hung on; its chain neighbour is no longer tracked (no ring digit may follow ')').
        return { ...s, length, prev: 'close', branches: s.branches.slice(0, -1), current: s.branches[s.branches.length - 1], neighbour: -2, closedWith: [] };
      case 'ring': {
        const token = this.tokens[id];
        const opener = s.rings.get(token);
        const rings = new Map(s.rings);
        if (opener === undefined) {
          rings.set(token, s.current);
          return { ...s, length, prev: 'ring', rings };
        }
        rings.delete(token);
        return { ...s, length, prev: 'ring', rings, closedWith: [...s.closedWith, opener] };
      }
      default: // dot
        return { ...s, length, prev: 'dot' };
    }
  }

  /** Whether <eos> may come now. */
  canEnd(s: SyntaxState): boolean {
    return (s.prev === 'atom' || s.prev === 'ring' || s.prev === 'close') && s.branches.length === 0 && s.rings.size === 0 && s.atoms > 0;
  }

  /**
   * Allowed next token ids as a 0/1 mask over the vocabulary (<eos> included when the string may end). Only
   * ring digits differ token by token; every other kind is decided once (this runs per row at every step).
   */
  allowed(s: SyntaxState, into = new Uint8Array(this.tokens.length)): Uint8Array {
    const ringAtCurrent = SmilesSyntax.opened(s, s.current);
    const byKind = this.byKind.fill(-1); // per kind code: -1 not decided yet, else 0/1
    for (let id = 0; id < this.tokens.length; id++) {
      const code = this.kindCodes[id];
      if (id === EOS_ID) into[id] = this.canEnd(s) ? 1 : 0;
      else if (code === RING) into[id] = this.can(s, id, ringAtCurrent) ? 1 : 0;
      else {
        if (byKind[code] < 0) byKind[code] = this.can(s, id, ringAtCurrent) ? 1 : 0;
        into[id] = byKind[code];
      }
    }
    return into;
  }

  /** Whether a whole token-id sequence (no <bos>/<eos>) is accepted and may end. */
  accepts(ids: ArrayLike<number>): boolean {
    let s: SyntaxState | null = initialSyntaxState();
    for (let i = 0; i < ids.length && s; i++) s = this.next(s, ids[i]);
    return s !== null && this.canEnd(s);
  }
}
