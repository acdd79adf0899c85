// A token-level SMILES syntax state machine for constrained decoding: which vocabulary tokens may come next so
// that the string can still end as syntactically valid SMILES. It tracks open branches, open ring-closure
// digits (and which atom opened each), the previous token's kind and the atom the current one hangs on, and
// forbids: a bond after a bond or at the start, ')' with no open branch or right after '(' or a bond, a ring
// digit closed on the atom that opened it or on its chain neighbour (a second bond between the same atoms),
// <eos> with open branches or rings, and anything that could no longer be closed within the length limit.
// It also counts the bond orders each atom carries (valence.ts: bonds, branches and ring closures, aromatic
// bonds as one) and forbids a token that would put an atom over its element's limit. And when a token leaves an
// aromatic system final (none of its atoms can take another bond), it checks that the system can be kekulized
// (kekule.ts) and forbids the token if not: c1cccc1 may not end there. RDKit still judges the whole molecule
// afterwards through isValid; these checks only ever forbid what RDKit refuses.
import { EOS_ID } from '../vae/tokenizer.ts';
import { atomCapacity, bondOrder } from './valence.ts';
import { aromaticClassOf, bondKindOf, joinedBy, kekulizable, kekulizableCsr, piNeed, type AromaticClass, type BondKind } from './kekule.ts';

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
  /** Open ring digits → the atom that opened them, the order of the ring bond as opened (1 unless a bond token
   * came before the digit) and that bond token (-1: none). */
  rings: Map<string, OpenRing>;
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
  /** That bond token's id (-1 when prev is not a bond). */
  bondToken: number;
  /** Per atom: its token id; whether it has a double or triple bond that is not aromatic (c(=O): the pi bond a
   * Kekulé form would give it is taken); its aromatic bonds (to other aromatic atoms, no '-', '=' or '#'). */
  atomTokens: number[];
  pi: boolean[];
  links: number[][];
  /** Per atom, every atom it is bonded to (whether a bond lies in a ring decides whether it is aromatic). */
  bonds: number[][];
  /** Tokens emitted so far (not counting <bos>). */
  length: number;
}

/**
 * What a token does that a Kekulé check must see: the atom it lets go of (no longer the current one, or no longer
 * held by the ring digit it closes), that atom's room and pi bond after it; the atom the string is on after it
 * (`keep`: a new atom, whose index is the next one, or the current one after a ring closure; -1 for none), its
 * token, room and pi bond; the ring digit it closes; whether it bonds `atom` to `keep`, and whether aromatically.
 */
interface Letting {
  atom: number;
  free: number;
  pi: boolean;
  keep: number;
  keepToken: number;
  keepFree: number;
  keepPi: boolean;
  closes: string | null;
  bonded: boolean;
  linked: boolean;
}

export interface OpenRing {
  atom: number;
  order: number;
  bond: number;
}

export function initialSyntaxState(): SyntaxState {
  return {
    prev: 'start', beforeBond: 'start', branches: [], rings: new Map(), atoms: 0, current: -1, neighbour: -1, closedWith: [], length: 0, free: [], bond: 0, bondToken: -1,
    atomTokens: [], pi: [], links: [], bonds: [],
  };
}

/** A token's group for allowed(): tokens of one group are always allowed or not together (ring digits never are). */
function groupOf(kind: Kind, capacity: number, order: number, aromatic: boolean, bond: BondKind): string {
  if (kind === 'atom') return `atom:${capacity}:${aromatic ? 'a' : ''}`;
  if (kind === 'bond') return `bond:${order}:${bond}`;
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
  /** Per token: its aromatic class (kekule.ts), and for a bond token how it joins aromatic atoms. */
  private readonly aromatic: AromaticClass[];
  private readonly bondKinds: BondKind[];
  /** systemOk's scratch (grow()): place of each atom in the system, the system, visit marks, its bonds as CSR. */
  private place = new Int32Array(0);
  private sys = new Int32Array(0);
  private seen = new Int32Array(0);
  private generation = 0;
  private start = new Int32Array(0);
  private adj = new Int32Array(0);
  private need = new Int8Array(0);
  /** The Kekulé answers for new atoms after one state (see can()), and that state. */
  private readonly atomMemo = new Int8Array(4).fill(-1);
  private atomMemoState: SyntaxState | null = null;
  /** systemOk's argument, reused (can() runs for every token group at every step). */
  private readonly letting: Letting = { atom: -1, free: 0, pi: false, keep: -1, keepToken: -1, keepFree: 0, keepPi: false, closes: null, bonded: false, linked: false };

  /**
   * tokens: the vocabulary in id order; maxLength: most tokens before <eos> is forced (<eos> excluded); kekule:
   * false sets the Kekulé check aside (syntax and valences only, everywhere).
   */
  constructor(
    readonly tokens: readonly string[],
    readonly maxLength: number,
    private readonly kekule = true,
  ) {
    this.kinds = tokens.map(kindOf);
    this.capacity = Int32Array.from(tokens, (t, i) => (this.kinds[i] === 'atom' ? atomCapacity(t) : 0));
    this.order = Int32Array.from(tokens, (t, i) => (this.kinds[i] === 'bond' ? Math.max(1, bondOrder(t)) : 0));
    this.aromatic = tokens.map((t, i) => (this.kinds[i] === 'atom' ? aromaticClassOf(t) : 'none'));
    this.bondKinds = tokens.map((t, i) => (this.kinds[i] === 'bond' ? bondKindOf(t) : 'none'));
    const names = new Map<string, number>();
    this.groups = Int16Array.from(this.kinds, (k, i) => {
      if (k === 'ring') return -1;
      const g = groupOf(k, this.capacity[i], this.order[i], this.aromatic[i] !== 'none', this.bondKinds[i]);
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

  /**
   * Whether token id may come next (no allocation: called for every token at every step). `strict`: also refuse a
   * token that leaves an aromatic system final that cannot be kekulized; without it, syntax and valences only
   * (what next() holds a token to, and what allowed() falls back to when the strict mask allows nothing).
   */
  can(s: SyntaxState, id: number, ringAtCurrent = SmilesSyntax.opened(s, s.current), strict = true): boolean {
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
        if (!this.fits(len, 'atom', nb, nr, this.capacity[id] - incoming, false, p !== 'dot' && p !== 'start' && ringAtCurrent)) return false;
        if (!strict || p === 'dot' || p === 'start' || this.aromatic[s.atomTokens[s.current]] === 'none') return true;
        // the atom before is left behind (a branch or a ring may still hold it); its system may go on through the
        // new atom
        const bond = p === 'bond' ? this.bondKinds[s.bondToken] : 'none';
        const l = this.letting;
        l.atom = s.current; l.free = s.free[s.current] - (p === 'bond' ? 0 : 1); l.pi = s.pi[s.current] || bond === 'multiple';
        l.keep = s.atoms; l.keepToken = id; l.keepFree = this.capacity[id] - incoming; l.keepPi = bond === 'multiple'; l.closes = null;
        l.bonded = true; l.linked = this.aromatic[id] !== 'none' && joinedBy(bond, 'none') === 'aromatic';
        // the answer depends on the new atom only through these two (an atom with room is open, one without has
        // no double bond to offer): fill() asks once per pair, not once per atom group
        const key = (l.linked ? 2 : 0) + (l.keepFree >= 1 ? 1 : 0);
        if (this.atomMemoState !== s) {
          this.atomMemo.fill(-1);
          this.atomMemoState = s;
        }
        if (this.atomMemo[key] < 0) this.atomMemo[key] = this.systemOk(s, l) ? 1 : 0;
        return this.atomMemo[key] === 1;
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
        if (!this.fits(len, 'close', nb - 1, nr, s.free[back], SmilesSyntax.opened(s, back), true)) return false;
        // the branch's last atom is left behind (the atom it hung on, current again, is among the branches' atoms)
        return !strict || this.systemOk(s, this.lettingGo(s));
      }
      case 'ring': {
        const ringable = p === 'atom' || p === 'ring' || (p === 'bond' && (s.beforeBond === 'atom' || s.beforeBond === 'ring'));
        if (!ringable) return false;
        const token = this.tokens[id];
        const ring = s.rings.get(token);
        if (ring === undefined) {
          const left = s.free[s.current] - (p === 'bond' ? 0 : 1);
          return left >= 0 && SmilesSyntax.room(s, nb, s.current, left, -1, 0) && this.fits(len, 'ring', nb, nr + 1, left, true);
        }
        const opener = ring.atom;
        if (opener === s.current || opener === s.neighbour || s.closedWith.includes(opener)) return false;
        const left = s.free[s.current] - SmilesSyntax.closingPays(s, token, true), openerLeft = s.free[opener] - SmilesSyntax.closingPays(s, token, false);
        if (left < 0 || openerLeft < 0) return false;
        if (nr > 1 && !SmilesSyntax.room(s, nb, s.current, left, opener, openerLeft)) return false;
        if (!this.fits(len, 'ring', nb, nr - 1, left, SmilesSyntax.opened(s, s.current, token), SmilesSyntax.opened(s, s.neighbour, token))) return false;
        if (!strict || this.aromatic[s.atomTokens[opener]] === 'none') return true;
        // the opener is let go of (a branch or another ring may still hold it); the current atom stays current
        const bond = this.ringBond(s, ring), c = s.current;
        const l = this.letting;
        l.atom = opener; l.free = openerLeft; l.pi = s.pi[opener] || bond === 'multiple';
        l.keep = c; l.keepToken = s.atomTokens[c]; l.keepFree = left; l.keepPi = s.pi[c] || bond === 'multiple'; l.closes = token;
        l.bonded = true; l.linked = bond === 'aromatic' && this.aromatic[s.atomTokens[c]] !== 'none';
        return this.systemOk(s, l);
      }
      case 'dot':
        if (!afterAtom || nb !== 0 || !this.fits(len, 'dot', 0, nr, 4, ringAtCurrent)) return false;
        return !strict || this.systemOk(s, this.lettingGo(s));
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
    const opened = s.rings.get(token)?.order ?? 1;
    const justWritten = s.prev === 'bond' ? s.bond : 0;
    return Math.max(opened, justWritten) - (current ? justWritten : opened);
  }

  /** Whether atom opened a ring that is still open (other than `except`). */
  private static opened(s: SyntaxState, atom: number, except?: string | null): boolean {
    if (atom < 0 || s.rings.size === 0) return false;
    for (const [t, r] of s.rings) if (r.atom === atom && t !== except) return true;
    return false;
  }

  /** How the ring bond that closing `ring` now makes joins its two atoms (bond tokens at either end). */
  private ringBond(s: SyntaxState, ring: OpenRing): BondKind {
    return joinedBy(ring.bond >= 0 ? this.bondKinds[ring.bond] : 'none', s.prev === 'bond' ? this.bondKinds[s.bondToken] : 'none');
  }

  /** The current atom let go of with nothing else changed: ')', '.', <eos>. */
  private lettingGo(s: SyntaxState): Letting {
    const l = this.letting;
    l.atom = s.current; l.free = s.free[s.current]; l.pi = s.pi[s.current];
    l.keep = -1; l.keepToken = -1; l.keepFree = 0; l.keepPi = false; l.closes = null; l.bonded = false; l.linked = false;
    return l;
  }

  /**
   * After a token that lets go of an atom (see Letting): whether its aromatic system can still be kekulized.
   * An atom of the system that can still take a bond (the atom the string is on, or one a branch hangs on, with
   * room left) or holds a ring digit open is "open": it need not be paired now (a later atom may pair it) but may
   * be a partner; every final atom that needs a double bond must find a partner among its aromatic neighbours,
   * as these can no longer change. So a system is refused the moment one of its atoms is left without a partner.
   */
  private systemOk(s: SyntaxState, l: Letting): boolean {
    const atom = l.atom;
    if (!this.kekule || this.aromatic[s.atomTokens[atom]] === 'none') return true;
    if (this.isOpen(s, l, atom)) return true; // nothing became final
    // the system, breadth first, into scratch buffers (this runs for most tokens in aromatic stretches): its atoms,
    // each one's place in it, and its aromatic bonds as lists of places (CSR: every neighbour of an atom has its
    // place by the time the atom's list is written)
    const n0 = s.atoms + 1;
    if (this.place.length < n0) this.grow(n0);
    const place = this.place, sys = this.sys, gen = ++this.generation, seen = this.seen;
    const start = this.start, adj = this.adj, need = this.need;
    let size = 0, anyOpen = false, m = 0;
    sys[size] = atom;
    seen[atom] = gen;
    place[atom] = size++;
    for (let i = 0; i < size; i++) {
      const a = sys[i];
      start[i] = m;
      const own = a === s.atoms ? 0 : s.links[a].length, extra = l.linked && (a === atom || a === l.keep) ? 1 : 0;
      for (let e = 0; e < own + extra; e++) {
        const b = e < own ? s.links[a][e] : a === atom ? l.keep : atom;
        if (seen[b] !== gen) {
          seen[b] = gen;
          place[b] = size;
          sys[size++] = b;
        }
        adj[m++] = place[b];
      }
      const free = a === l.keep ? l.keepFree : a === atom ? l.free : s.free[a], pi = a === l.keep ? l.keepPi : a === atom ? l.pi : s.pi[a];
      if (this.isOpen(s, l, a)) {
        anyOpen = true;
        need[i] = free >= 1 && !pi ? 1 : 0;
      } else {
        // an aromatic atom without an aromatic bond (C1CcCC1) is no aromatic atom to RDKit: it needs nothing
        need[i] = own + extra === 0 ? 0 : piNeed(this.aromatic[a === l.keep ? l.keepToken : s.atomTokens[a]], free, pi);
      }
    }
    start[size] = m;
    if (!kekulizableCsr(size, need, start, adj)) return false;
    if (anyOpen) return true;
    // final: judged with its ring bonds only (finalOk); bonds that may still come to lie in a ring count as such
    const extra = l.bonded ? l.keep : -1; // the token's own bond, from atom
    const n = extra === s.atoms ? s.atoms + 1 : s.atoms;
    const neighbours = (a: number): readonly number[] => (a === atom && extra >= 0 ? [...s.bonds[a], extra] : a === extra && extra === s.atoms ? [atom] : a === extra ? [...s.bonds[a], atom] : s.bonds[a]);
    const inRing = SmilesSyntax.ringBonds(n, neighbours, (a) => this.isOpen(s, l, a));
    const system = Array.from(sys.subarray(0, size));
    return SmilesSyntax.finalOk(system, (a) => Array.from(adj.subarray(start[place[a]], start[place[a] + 1]), (j) => sys[j]), (a) => need[place[a]], neighbours, inRing);
  }

  /**
   * A final aromatic system (its atoms; each one's aromatic neighbours, need as computed with all of them, and
   * bonded atoms): an aromatic atom in no ring is refused (Cc1ccccc1c); an aromatic bond outside every ring is a
   * single bond to RDKit (c1ccccc1c1ccccc1 is biphenyl) and left out; an atom left without aromatic bonds is no
   * aromatic atom to RDKit (C1CcCC1) and needs nothing; the rest must be kekulizable.
   */
  private static finalOk(system: readonly number[], links: (a: number) => readonly number[], need: (a: number) => number, bonds: (a: number) => readonly number[], inRing: (a: number, b: number) => boolean): boolean {
    if (system.some((a) => !bonds(a).some((b) => inRing(a, b)))) return false;
    const index = new Map(system.map((a, i) => [a, i]));
    const ringLinks = system.map((a) => links(a).filter((b) => inRing(a, b)).map((b) => index.get(b)!));
    return kekulizable(system.map((a, i) => (ringLinks[i].length === 0 ? 0 : need(a))), ringLinks);
  }

  /** Whether atom a can still take a bond after the token l describes, or holds a ring digit open. */
  private isOpen(s: SyntaxState, l: Letting, a: number): boolean {
    if (SmilesSyntax.opened(s, a, l.closes)) return true;
    if (a !== l.keep && !s.branches.includes(a)) return false;
    return (a === l.keep ? l.keepFree : a === l.atom ? l.free : s.free[a]) >= 1;
  }

  /** systemOk's scratch, sized for `atoms` atoms. */
  private grow(atoms: number): void {
    const n = Math.max(atoms, 2 * this.place.length);
    this.place = new Int32Array(n);
    this.sys = new Int32Array(n);
    this.seen = new Int32Array(n);
    this.start = new Int32Array(n + 1);
    this.adj = new Int32Array(8 * n); // an aromatic atom has at most six aromatic bonds (S, Se)
    this.need = new Int8Array(n);
  }

  /**
   * For the graph of n atoms (neighbours), whether a bond a–b lies in a ring or may come to: it is no bridge, or
   * both sides of it hold an atom that can still take a bond (`open`: only through those can a new path come).
   * One depth-first pass (Tarjan's low-links), iterative, counting the open atoms below each atom.
   */
  private static ringBonds(n: number, neighbours: (a: number) => readonly number[], open: (a: number) => boolean): (a: number, b: number) => boolean {
    const order = new Int32Array(n).fill(-1), low = new Int32Array(n), parent = new Int32Array(n).fill(-1), next = new Int32Array(n);
    const below = new Int32Array(n), root = new Int32Array(n);
    let t = 0;
    for (let r = 0; r < n; r++) {
      if (order[r] >= 0) continue;
      const stack = [r];
      order[r] = low[r] = t++;
      root[r] = r;
      while (stack.length) {
        const a = stack[stack.length - 1];
        const nb = neighbours(a);
        if (next[a] < nb.length) {
          const b = nb[next[a]++];
          if (order[b] < 0) {
            parent[b] = a;
            root[b] = r;
            order[b] = low[b] = t++;
            stack.push(b);
          } else if (b !== parent[a]) low[a] = Math.min(low[a], order[b]);
        } else {
          stack.pop();
          below[a] += open(a) ? 1 : 0;
          const p = parent[a];
          if (p >= 0) {
            low[p] = Math.min(low[p], low[a]);
            below[p] += below[a];
          }
        }
      }
    }
    return (a, b) => {
      const child = parent[b] === a ? b : parent[a] === b ? a : -1;
      if (child < 0 || low[child] <= order[parent[child]]) return true; // not a bridge
      return below[child] > 0 && below[root[child]] - below[child] > 0;
    };
  }

  /** The state after token id, or null when syntax or valences forbid it (not the Kekulé check: see can()). */
  next(s: SyntaxState, id: number): SyntaxState | null {
    if (!this.can(s, id, undefined, false)) return null;
    const p = s.prev;
    const length = s.length + 1;
    switch (this.kinds[id]) {
      case 'atom': {
        const bonded = p !== 'dot' && p !== 'start';
        const free = [...s.free, this.capacity[id] - (p === 'bond' ? s.bond : bonded ? 1 : 0)];
        if (bonded && p !== 'bond') free[s.current] -= 1;
        const n = s.atoms, bond = p === 'bond' ? this.bondKinds[s.bondToken] : 'none';
        const pi = [...s.pi, bonded && bond === 'multiple'];
        const links = [...s.links, [] as number[]];
        const bonds = [...s.bonds, bonded ? [s.current] : []];
        if (bonded) {
          bonds[s.current] = [...bonds[s.current], n];
          if (bond === 'multiple') pi[s.current] = true;
          else if (this.aromatic[id] !== 'none' && this.aromatic[s.atomTokens[s.current]] !== 'none' && joinedBy(bond, 'none') === 'aromatic') {
            links[s.current] = [...links[s.current], n];
            links[n] = [s.current];
          }
        }
        return { ...s, length, prev: 'atom', atoms: n + 1, current: n, neighbour: bonded ? s.current : -1, closedWith: [], free, atomTokens: [...s.atomTokens, id], pi, links, bonds };
      }
      case 'bond': {
        const free = [...s.free];
        free[s.current] -= this.order[id];
        return { ...s, length, prev: 'bond', beforeBond: p, bond: this.order[id], bondToken: id, free };
      }
      case 'open':
        return { ...s, length, prev: 'open', branches: [...s.branches, s.current] };
      case 'close':
        // Back on the atom the branch hung on; its chain neighbour is no longer tracked (no ring digit may follow ')').
        return { ...s, length, prev: 'close', branches: s.branches.slice(0, -1), current: s.branches[s.branches.length - 1], neighbour: -2, closedWith: [] };
      case 'ring': {
        const token = this.tokens[id];
        const ring = s.rings.get(token);
        const rings = new Map(s.rings);
        const free = [...s.free];
        if (ring === undefined) {
          rings.set(token, { atom: s.current, order: p === 'bond' ? s.bond : 1, bond: p === 'bond' ? s.bondToken : -1 });
          if (p !== 'bond') free[s.current] -= 1;
          return { ...s, length, prev: 'ring', rings, free };
        }
        const opener = ring.atom, c = s.current;
        free[c] -= SmilesSyntax.closingPays(s, token, true);
        free[opener] -= SmilesSyntax.closingPays(s, token, false);
        rings.delete(token);
        const bond = this.ringBond(s, ring);
        let { pi, links } = s;
        const bonds = [...s.bonds];
        bonds[c] = [...bonds[c], opener];
        bonds[opener] = [...bonds[opener], c];
        if (bond === 'multiple') {
          pi = [...pi];
          pi[c] = pi[opener] = true;
        } else if (bond === 'aromatic' && this.aromatic[s.atomTokens[c]] !== 'none' && this.aromatic[s.atomTokens[opener]] !== 'none') {
          links = [...links];
          links[c] = [...links[c], opener];
          links[opener] = [...links[opener], c];
        }
        return { ...s, length, prev: 'ring', rings, free, pi, links, bonds, closedWith: [...s.closedWith, opener] };
      }
      default: // dot
        return { ...s, length, prev: 'dot' };
    }
  }

  /**
   * Whether <eos> may come now (strict: and every aromatic system, all final then, can be kekulized, its bonds
   * outside rings left out: a system judged while a bond of it might still have closed a ring is judged again).
   */
  canEnd(s: SyntaxState, strict = true): boolean {
    if (!((s.prev === 'atom' || s.prev === 'ring' || s.prev === 'close') && s.branches.length === 0 && s.rings.size === 0 && s.atoms > 0)) return false;
    return !strict || !this.kekule || (this.systemOk(s, this.lettingGo(s)) && this.wholeOk(s));
  }

  /** Every aromatic system of a finished string, its ring bonds only, kekulizable. */
  private wholeOk(s: SyntaxState): boolean {
    let aromatic = false;
    for (let a = 0; a < s.atoms && !aromatic; a++) aromatic = this.aromatic[s.atomTokens[a]] !== 'none';
    if (!aromatic) return true;
    const inRing = SmilesSyntax.ringBonds(s.atoms, (a) => s.bonds[a], () => false);
    const seen = new Set<number>();
    for (let start = 0; start < s.atoms; start++) {
      if (seen.has(start) || this.aromatic[s.atomTokens[start]] === 'none') continue;
      const system = [start];
      seen.add(start);
      for (let k = 0; k < system.length; k++) {
        for (const b of s.links[system[k]]) {
          if (seen.has(b)) continue;
          seen.add(b);
          system.push(b);
        }
      }
      const need = (a: number) => (s.links[a].length === 0 ? 0 : piNeed(this.aromatic[s.atomTokens[a]], s.free[a], s.pi[a]));
      if (!SmilesSyntax.finalOk(system, (a) => s.links[a], need, (a) => s.bonds[a], inRing)) return false;
    }
    return true;
  }

  /**
   * Allowed next token ids as a 0/1 mask over the vocabulary (<eos> included when the string may end). Only
   * ring digits differ token by token; other tokens are decided once per group (atoms of one capacity and
   * aromaticity, bonds of one order and kind, each other kind), as this runs per row at every step. When the
   * Kekulé check leaves nothing (a system already bound to fail, at the length limit), syntax and valences alone
   * decide: a decode always has a way on.
   */
  allowed(s: SyntaxState, into = new Uint8Array(this.tokens.length)): Uint8Array {
    this.mask(s, into);
    return into;
  }

  /**
   * allowed()'s mask written into `into`; false when the Kekulé check left nothing and the mask is syntax and
   * valences alone (the decode is at a dead end: a constrained greedy decode backtracks from there).
   */
  mask(s: SyntaxState, into: Uint8Array): boolean {
    if (this.fill(s, into, true)) return true;
    this.fill(s, into, false);
    return false;
  }

  /** allowed()'s mask, strict or not; whether any token is allowed. */
  private fill(s: SyntaxState, into: Uint8Array, strict: boolean): boolean {
    const ringAtCurrent = SmilesSyntax.opened(s, s.current);
    const byGroup = this.byGroup.fill(-1); // per group: -1 not decided yet, else 0/1
    let any = 0;
    for (let id = 0; id < this.tokens.length; id++) {
      const g = this.groups[id];
      if (id === EOS_ID) into[id] = this.canEnd(s, strict) ? 1 : 0;
      else if (g < 0) into[id] = this.can(s, id, ringAtCurrent, strict) ? 1 : 0;
      else {
        if (byGroup[g] < 0) byGroup[g] = this.can(s, id, ringAtCurrent, strict) ? 1 : 0;
        into[id] = byGroup[g];
      }
      any |= into[id];
    }
    return any === 1;
  }

  /**
   * Whether a whole token-id sequence (no <bos>/<eos>) is accepted and may end. strict: every token passes the
   * Kekulé check too (a molecule RDKit reads always does: syntax.test.ts holds the mask to every split molecule).
   */
  accepts(ids: ArrayLike<number>, strict = true): boolean {
    let s: SyntaxState | null = initialSyntaxState();
    for (let i = 0; i < ids.length && s; i++) s = strict && !this.can(s, ids[i]) ? null : this.next(s, ids[i]);
    return s !== null && this.canEnd(s, strict);
  }
}
