// A token-level SMILES syntax state machine for constrained decoding: which vocabulary tokens may come next so
// that the string can still end as syntactically valid SMILES. It tracks open branches, open ring-closure
// digits (and which atom opened each), the previous token's kind and the atom the current one hangs on, and
// forbids: a bond after a bond or at the start, ')' with no open branch or right after '(' or a bond, a ring
// digit closed on the atom that opened it or on its chain neighbour (a second bond between the same atoms),
// <eos> with open branches or rings, and anything that could no longer be closed within the length limit.
// It also counts the bond orders each atom carries (valence.ts: bonds, branches and ring closures, aromatic
// bonds as one) and forbids a token that would put an atom over its element's limit. Aromaticity (whether a
// ring can be kekulized) is not its job: RDKit judges that afterwards through isValid.
import { EOS_ID } from '../vae/tokenizer.ts';
import { atomCapacity, bondOrder } from './valence.ts';

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
  /** Per atom, the bond orders it can still take (its capacity less the bonds, branches and rings it has). */
  free: number[];
  /** The order of the bond token just written (when prev is a bond): already taken from the current atom. */
  bond: number;
  /** Open ring digits → the order of the ring bond as opened (1 unless a bond token came before the digit). */
  ringOrders: Map<string, number>;
  /** Tokens emitted so far (not counting <bos>). */
  length: number;
}

export function initialSyntaxState(): SyntaxState {
  return { prev: 'start', beforeBond: 'start', branches: [], rings: new Map(), atoms: 0, current: -1, neighbour: -1, closedWith: [], length: 0, free: [], bond: 0, ringOrders: new Map() };
}

/** A token's group for allowed(): tokens of one group are always allowed or not together (ring digits never are). */
function groupOf(kind: Kind, capacity: number, order: number): string {
  if (kind === 'atom') return `atom:${capacity}`;
  if (kind === 'bond') return `bond:${order}`;
  return kind;
}

export class SmilesSyntax {
  private readonly kinds: Kind[];
  /** Per token: bond orders an atom can carry (valence.ts), the order a bond spends. */
  private readonly capacity: Int32Array;
  private readonly order: Int32Array;
  /** Per token, its group (-1 for a ring digit, decided alone), and allowed()'s scratch: one decision per group. */
  private readonly groups: Int16Array;
  private readonly byGroup: Int8Array;

  /** tokens: the vocabulary in id order; maxLength: most tokens before <eos> is forced (<eos> excluded). */
  constructor(
    readonly tokens: readonly string[],
    readonly maxLength: number,
  ) {
    this.kinds = tokens.map(kindOf);
    this.capacity = Int32Array.from(tokens, (t, i) => (this.kinds[i] === 'atom' ? atomCapacity(t) : 0));
    this.order = Int32Array.from(tokens, (t, i) => (this.kinds[i] === 'bond' ? Math.max(1, bondOrder(t)) : 0));
    const names = new Map<string, number>();
    this.groups = Int16Array.from(this.kinds, (k, i) => {
      if (k === 'ring') return -1;
      const g = groupOf(k, this.capacity[i], this.order[i]);
      if (!names.has(g)) names.set(g, names.size);
      return names.get(g)!;
    });
    this.byGroup = new Int8Array(names.size);
  }

  /**
   * Fewest tokens needed to end after a token of kind `prev`: a final atom if the string cannot end on it, a ')'
   * per open branch, a digit per open ring, plus the atoms needed before a ring can close at all (not on the
   * atom that opened it, nor on that atom's chain neighbour). `room` is what the atom the string goes on from
   * can still take: rings it cannot close need a chain of new atoms (at most two closures each, counted
   * generously), so that no decode reaches the limit with rings it can no longer close.
   */
  private static toFinish(prev: Prev, branches: number, rings: number, atCurrent: boolean, atNeighbour: boolean, room: number): number {
    const needAtom = prev === 'bond' || prev === 'open' || prev === 'dot' || prev === 'start' ? 1 : 0;
    const extra = rings === 0 ? 0 : needAtom ? (atCurrent ? 1 : 0) : atCurrent ? 2 : atNeighbour ? 1 : 0;
    const chain = rings > room ? Math.ceil((rings - room + 1) / 2) : 0;
    return needAtom + (prev === 'open' ? 1 : 0) + rings + extra + chain + branches;
  }

  /** Whether a string of len tokens, the last of kind prev, can still be finished within maxLength. */
  private fits(len: number, prev: Prev, branches: number, rings: number, room: number, atCurrent: boolean, atNeighbour = false): boolean {
    return len + SmilesSyntax.toFinish(prev, branches, rings, atCurrent, atNeighbour, room) <= this.maxLength;
  }

  /** Whether token id may come next (no allocation: called for every token at every step). */
  can(s: SyntaxState, id: number, ringAtCurrent = SmilesSyntax.opened(s, s.current)): boolean {
    const p = s.prev;
    const afterAtom = p === 'atom' || p === 'ring' || p === 'close';
    const len = s.length + 1, nb = s.branches.length, nr = s.rings.size;
    // fits is a method, not a closure made here: this runs for every token at every decode step, and a closure
    // per call costs an allocation (and, under tsx's keepNames, a defineProperty) each time.
    switch (this.kinds[id]) {
      case 'atom': {
        // the bond to the atom before: the bond token's (already taken from that atom), or an implicit single one
        const implicit = p !== 'dot' && p !== 'start' && p !== 'bond';
        const incoming = p === 'bond' ? s.bond : implicit ? 1 : 0;
        if (this.capacity[id] < incoming || (implicit && s.free[s.current] < 1)) return false;
        if (nr > 0 && !SmilesSyntax.room(s, nb, s.atoms, this.capacity[id] - incoming, s.current, s.free[s.current] - (implicit ? 1 : 0))) return false;
        return this.fits(len, 'atom', nb, nr, this.capacity[id] - incoming, false, p !== 'dot' && p !== 'start' && ringAtCurrent);
      }
      case 'bond':
        // the atom after the bond: a carbon at best
        return (afterAtom || p === 'open') && s.free[s.current] >= this.order[id] && this.fits(len, 'bond', nb, nr, 4 - this.order[id], ringAtCurrent);
      case 'open':
        return afterAtom && s.free[s.current] >= 1 && this.fits(len, 'open', nb + 1, nr, 3, ringAtCurrent);
      case 'close': {
        if (!afterAtom || nb === 0) return false;
        const back = s.branches[nb - 1];
        if (nr > 0 && !SmilesSyntax.room(s, nb - 1, back, s.free[back], -1, 0)) return false;
        return this.fits(len, 'close', nb - 1, nr, s.free[back], SmilesSyntax.opened(s, back), true);
      }
      case 'ring': {
        const ringable = p === 'atom' || p === 'ring' || (p === 'bond' && (s.beforeBond === 'atom' || s.beforeBond === 'ring'));
        if (!ringable) return false;
        const token = this.tokens[id];
        const opener = s.rings.get(token);
        if (opener === undefined) {
          const left = s.free[s.current] - (p === 'bond' ? 0 : 1);
          return left >= 0 && SmilesSyntax.room(s, nb, s.current, left, -1, 0) && this.fits(len, 'ring', nb, nr + 1, left, true);
        }
        if (opener === s.current || opener === s.neighbour || s.closedWith.includes(opener)) return false;
        const left = s.free[s.current] - SmilesSyntax.closingPays(s, token, true), openerLeft = s.free[opener] - SmilesSyntax.closingPays(s, token, false);
        if (left < 0 || openerLeft < 0) return false;
        if (nr > 1 && !SmilesSyntax.room(s, nb, s.current, left, opener, openerLeft)) return false;
        return this.fits(len, 'ring', nb, nr - 1, left, SmilesSyntax.opened(s, s.current, token), SmilesSyntax.opened(s, s.neighbour, token));
      }
      case 'dot':
        return afterAtom && nb === 0 && this.fits(len, 'dot', 0, nr, 4, ringAtCurrent);
      default:
        return false;
    }
  }

  /**
   * Whether, with rings still open after the next token, some atom can still take a bond to close them (or to
   * grow a chain that will): the atom the string then continues from, or one of the first `branches` atoms that
   * open branches hang on (reached back through ')'). Without this, an atom filled up while a ring is open (an
   * =O on the ring's last atom) leaves nothing the mask allows. `current` is the atom continued from and
   * `currentFree` its room after the token; `changed`, when ≥ 0, another atom whose room the token changes.
   */
  private static room(s: SyntaxState, branches: number, current: number, currentFree: number, changed: number, changedFree: number): boolean {
    if (currentFree >= 1) return true;
    for (let i = 0; i < branches; i++) {
      const a = s.branches[i];
      if ((a === current ? currentFree : a === changed ? changedFree : s.free[a]) >= 1) return true;
    }
    return false;
  }

  /**
   * What closing ring digit `token` now takes from the current atom (current) or from the atom that opened it:
   * the ring bond's order is the larger of the opening's and a bond token's just written; each side pays what it
   * has not yet (the opener its opening order, the current atom that bond token's).
   */
  private static closingPays(s: SyntaxState, token: string, current: boolean): number {
    const opened = s.ringOrders.get(token) ?? 1;
    const justWritten = s.prev === 'bond' ? s.bond : 0;
    return Math.max(opened, justWritten) - (current ? justWritten : opened);
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
      case 'atom': {
        const bonded = p !== 'dot' && p !== 'start';
        const free = [...s.free, this.capacity[id] - (p === 'bond' ? s.bond : bonded ? 1 : 0)];
        if (bonded && p !== 'bond') free[s.current] -= 1;
        return { ...s, length, prev: 'atom', atoms: s.atoms + 1, current: s.atoms, neighbour: bonded ? s.current : -1, closedWith: [], free };
      }
      case 'bond': {
        const free = [...s.free];
        free[s.current] -= this.order[id];
        return { ...s, length, prev: 'bond', beforeBond: p, bond: this.order[id], free };
      }
      case 'open':
        return { ...s, length, prev: 'open', branches: [...s.branches, s.current] };
      case 'close':
        // Back on the atom the branch hung on; its chain neighbour is no longer tracked (no ring digit may follow ')').
        return { ...s, length, prev: 'close', branches: s.branches.slice(0, -1), current: s.branches[s.branches.length - 1], neighbour: -2, closedWith: [] };
      case 'ring': {
        const token = this.tokens[id];
        const opener = s.rings.get(token);
        const rings = new Map(s.rings);
        const ringOrders = new Map(s.ringOrders);
        const free = [...s.free];
        if (opener === undefined) {
          rings.set(token, s.current);
          ringOrders.set(token, p === 'bond' ? s.bond : 1);
          if (p !== 'bond') free[s.current] -= 1;
          return { ...s, length, prev: 'ring', rings, ringOrders, free };
        }
        free[s.current] -= SmilesSyntax.closingPays(s, token, true);
        free[opener] -= SmilesSyntax.closingPays(s, token, false);
        rings.delete(token);
        ringOrders.delete(token);
        return { ...s, length, prev: 'ring', rings, ringOrders, free, closedWith: [...s.closedWith, opener] };
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
   * ring digits differ token by token; other tokens are decided once per group (atoms of one capacity, bonds of
   * one order, each other kind), as this runs per row at every step.
   */
  allowed(s: SyntaxState, into = new Uint8Array(this.tokens.length)): Uint8Array {
    const ringAtCurrent = SmilesSyntax.opened(s, s.current);
    const byGroup = this.byGroup.fill(-1); // per group: -1 not decided yet, else 0/1
    for (let id = 0; id < this.tokens.length; id++) {
      const g = this.groups[id];
      if (id === EOS_ID) into[id] = this.canEnd(s) ? 1 : 0;
      else if (g < 0) into[id] = this.can(s, id, ringAtCurrent) ? 1 : 0;
      else {
        if (byGroup[g] < 0) byGroup[g] = this.can(s, id, ringAtCurrent) ? 1 : 0;
        into[id] = byGroup[g];
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
