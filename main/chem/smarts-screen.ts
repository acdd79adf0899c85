// A cheap, conservative pre-screen for SMARTS matching: which elements (and aromaticity) a query's atoms
// demand, read from the SMARTS text, checked against element counts of the molecule before RDKit's matcher
// runs. Most PAINS and QED alert patterns need an element or an explicit [#1] the molecule does not have,
// so most of the ~600 searches per molecule end here. Bonds between known elements with a known type
// (C=S, C-Cl, N=N...), charged atoms, three-membered rings, fused aromatic atoms and, for a few atoms
// per query, the first shell (element, charge, degree, typed bonds to known neighbours) are checked too. Whatever the reader is not sure about (negations,
// 'A', '*', ring or degree primitives, unusual symbols) constrains nothing, so the screen never rejects a
// real match; main/chem/smarts-screen.test.ts checks that against RDKit itself.
import { atomicNumber } from './elements.ts';
import type { MolGraph } from './mol-graph.ts';

/** aromatic: 0 aliphatic only, 1 aromatic only, 2 either; h: total H count, isotope: mass number, when given */
export interface AtomAlternative {
  z: number;
  aromatic: 0 | 1 | 2;
  h?: number;
  isotope?: number;
}
/** One query atom: it must be one of these alternatives; null when the SMARTS does not say. */
export type AtomRequirement = AtomAlternative[] | null;

const AROMATIC_SYMBOLS = /^(se|as|te|b|c|n|o|p|s)/;

function symbolAlternative(symbol: string): AtomAlternative {
  const aromatic = symbol === symbol.toLowerCase();
  const z = atomicNumber(aromatic ? symbol[0].toUpperCase() + symbol.slice(1) : symbol) as number;
  return { z, aromatic: aromatic ? 1 : 0 };
}

/**
 * The element a bracket-atom term starts with: the longest element symbol, as RDKit's SMARTS lexer reads
 * it ('Cl', 'Na', 'Co' are one element each; 'CX4' is C then X4). A lone 'H' is a hydrogen count, never
 * the element; D, R, X, A are primitives, not elements.
 */
function leadingElement(term: string): string | null {
  const aromatic = AROMATIC_SYMBOLS.exec(term);
  if (aromatic) return aromatic[1];
  const two = /^[A-Z][a-z]/.exec(term);
  if (two && atomicNumber(two[0]) !== undefined) return two[0];
  const one = /^[A-Z]/.exec(term);
  if (one && one[0] !== 'H' && atomicNumber(one[0]) !== undefined) return one[0];
  return null;
}

/** Split at a separator outside brackets and parentheses. */
function splitTop(text: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (ch === sep && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function termRequirement(term: string): AtomRequirement {
  if (term.startsWith('$(') && term.endsWith(')')) {
    // a recursive SMARTS describes the atom itself through its first atom
    return atomRequirements(term.slice(2, -1))[0] ?? null;
  }
  const iso = /^(\d+)/.exec(term);
  const isotope = iso ? Number(iso[1]) : undefined;
  const rest = iso ? term.slice(iso[1].length) : term;
  let alt: AtomAlternative | null = null;
  let after = '';
  const number = /^#(\d+)/.exec(rest);
  if (number) {
    alt = { z: Number(number[1]), aromatic: 2 };
    after = rest.slice(number[0].length);
  } else {
    const symbol = leadingElement(rest);
    if (symbol) {
      alt = symbolAlternative(symbol);
      after = rest.slice(symbol.length);
    }
  }
  if (!alt) return null;
  if (isotope !== undefined) alt.isotope = isotope;
  // 'CH1', 'NH3+': an H count right after the element (anything fancier is left open)
  const h = /^H(\d*)(?:[+-]\d*)?$/.exec(after);
  if (h) alt.h = h[1] === '' ? 1 : Number(h[1]);
  return [alt];
}

/** The H count a term states on its own ('H', 'H2'), else undefined. */
function hCountTerm(term: string): number | undefined {
  const h = /^H(\d*)$/.exec(term);
  return h ? (h[1] === '' ? 1 : Number(h[1])) : undefined;
}

/** The text without its recursive $(...) parts. */
function withoutRecursion(text: string): string {
  let out = '';
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (depth === 0 && text[i] === '$' && text[i + 1] === '(') {
      depth = 1;
      i++;
      continue;
    }
    if (depth > 0) {
      if (text[i] === '(') depth++;
      else if (text[i] === ')') depth--;
      continue;
    }
    out += text[i];
  }
  return out;
}

function termChargeSign(term: string): -1 | 0 | 1 {
  if (term.includes('!')) return 0;
  const m = /([+-]+)(\d*)/.exec(term);
  if (!m || m[2] === '0') return 0;
  return m[1][0] === '+' ? 1 : -1;
}

/** +1 or -1 when the bracket atom must carry a positive or negative charge, else 0. */
export function bracketChargeSign(content: string): -1 | 0 | 1 {
  for (const part of splitTop(withoutRecursion(content), ';')) {
    const signs = splitTop(part, ',').map((alt) => {
      for (const term of alt.split('&')) {
        const sign = termChargeSign(term);
        if (sign !== 0) return sign;
      }
      return 0;
    });
    if (signs.every((x) => x === 1)) return 1;
    if (signs.every((x) => x === -1)) return -1;
  }
  return 0;
}

function bracketRequirement(content: string): AtomRequirement {
  let best: AtomRequirement = null;
  let partH: number | undefined;
  const parts = splitTop(content, ';');
  // ';' is a low-precedence AND: any one part that constrains the element is a necessary condition
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p];
    // a part that is only an H count ('[C;H1]'); a lone first 'H' would be the element hydrogen
    if (p > 0 && hCountTerm(part) !== undefined) partH = hCountTerm(part);
    const alternatives: AtomAlternative[] = [];
    let known = true;
    for (const alt of splitTop(part, ',')) {
      let altReq: AtomRequirement = null;
      let termH: number | undefined;
      splitTop(alt, '&').forEach((term, t) => {
        if (!altReq) altReq = termRequirement(term);
        if (t > 0 && hCountTerm(term) !== undefined) termH = hCountTerm(term);
      });
      if (!altReq) {
        known = false;
        break;
      }
      const reqs: AtomAlternative[] = altReq;
      alternatives.push(...reqs.map((a) => (termH !== undefined && a.h === undefined ? { ...a, h: termH } : a)));
    }
    if (known && alternatives.length > 0 && (!best || alternatives.length < best.length)) best = alternatives;
  }
  const chosen: AtomRequirement = best;
  if (chosen && partH !== undefined) return chosen.map((a) => (a.h === undefined ? { ...a, h: partH } : a));
  return chosen;
}

/** A query bond: its two atoms (indices into the atom list) and the bond types it accepts (null: any). */
export interface BondRequirement {
  a: number;
  b: number;
  types: number[] | null;
}

const BOND_CHARS = '-=#:~@!/\\,;&';
const BOND_TYPE: Record<string, number[]> = { '-': [1], '=': [2], '#': [3], ':': [12] };

/** The bond types a SMARTS bond expression accepts; implicit means single or aromatic. */
function bondTypes(raw: string): number[] | null {
  if (raw === '') return [1, 12];
  // ring / chain conditions ('@', '!@') do not change which types are accepted
  const expr = raw.replace(/!?@/g, '').replace(/^[;&]+|[;&]+$/g, '');
  if (expr === '') return null;
  if (expr.includes('!')) return null;
  if (expr.includes(',')) {
    // '=,:' and the like: the union of plain types, anything fancier accepts any bond
    const alts = expr.split(',');
    if (!alts.every((a) => BOND_TYPE[a])) return null;
    return [...new Set(alts.flatMap((a) => BOND_TYPE[a]))];
  }
  for (const term of expr.split(/[;&]/)) {
    if (BOND_TYPE[term]) return BOND_TYPE[term];
  }
  return null;
}

/** The atoms (requirement of each, null where unknown) and bonds of a SMARTS. */
export function queryGraph(smarts: string): { atoms: AtomRequirement[]; bonds: BondRequirement[]; charges: (-1 | 0 | 1)[] } {
  const atoms: AtomRequirement[] = [];
  const charges: (-1 | 0 | 1)[] = [];
  const bonds: BondRequirement[] = [];
  const branches: number[] = [];
  const openRings = new Map<string, { atom: number; bond: string }>();
  let prev = -1;
  let bond = '';
  const addAtom = (req: AtomRequirement, charge: -1 | 0 | 1 = 0) => {
    const idx = atoms.length;
    atoms.push(req);
    charges.push(charge);
    if (prev >= 0) bonds.push({ a: prev, b: idx, types: bondTypes(bond) });
    bond = '';
    prev = idx;
  };
  let i = 0;
  while (i < smarts.length) {
    const ch = smarts[i];
    if (ch === '[') {
      let depth = 1;
      let j = i + 1;
      while (j < smarts.length && depth > 0) {
        if (smarts[j] === '[') depth++;
        else if (smarts[j] === ']') depth--;
        j++;
      }
      const content = smarts.slice(i + 1, j - 1);
      addAtom(bracketRequirement(content), bracketChargeSign(content));
      i = j;
      continue;
    }
    const symbol = /^(Cl|Br|B|C|N|O|P|S|F|I|b|c|n|o|p|s)/.exec(smarts.slice(i));
    if (symbol) {
      addAtom([symbolAlternative(symbol[1])]);
      i += symbol[1].length;
      continue;
    }
    if (ch === '*' || ch === 'A' || ch === 'a') {
      addAtom(null);
    } else if (ch === '(') {
      branches.push(prev);
    } else if (ch === ')') {
      prev = branches.pop() ?? -1;
      bond = '';
    } else if (ch === '.') {
      prev = -1;
      bond = '';
    } else if (BOND_CHARS.includes(ch)) {
      bond += ch;
    } else if (/[0-9%]/.test(ch)) {
      const label = ch === '%' ? smarts.slice(i, i + 3) : ch;
      i += label.length - 1;
      const open = openRings.get(label);
      if (open) {
        bonds.push({ a: open.atom, b: prev, types: bondTypes(bond || open.bond) });
        openRings.delete(label);
      } else {
        openRings.set(label, { atom: prev, bond });
      }
      bond = '';
    }
    i++;
  }
  return { atoms, bonds, charges };
}

/** The requirement of every atom of a SMARTS, in order (null where unknown). */
export function atomRequirements(smarts: string): AtomRequirement[] {
  return queryGraph(smarts).atoms;
}

/** What a query needs, precomputed once per query. */
export interface Screen {
  /** [z, aromatic (0|1|2), count] for atoms with a single alternative */
  needs: [number, 0 | 1 | 2, number][];
  /** bit z set for every element the query needs for sure: one AND rejects most queries */
  elementMask: Uint32Array;
  /** needs summed per element, whatever the aromaticity: [z, count] */
  elementTotals: [number, number][];
  /** atoms with several alternatives: at least one of each list must be present */
  anyOf: AtomAlternative[][];
  /** per query bond with known ends and type: the molecule must have a bond with one of these keys */
  bondKeys: number[][];
  /** the query has a three-membered ring, so the molecule must have one (a 3-cycle is always an SSSR ring) */
  needsThreeRing: boolean;
  /** charged query atoms: the molecule needs an atom of that sign (of one of the elements, when known) */
  charged: { sign: -1 | 1; elements: number[] | null }[];
  /** most bonds typed exactly aromatic (':') on one query atom: a fused aromatic atom has three */
  aromaticDegree: number;
  /** query atoms whose immediate surroundings are known: some molecule atom must offer them */
  local: LocalRequirement[];
}

/**
 * One query atom and its first shell: its elements, charge sign, number of query neighbours (a lower bound
 * on the molecule atom's degree) and the typed bonds to neighbours of known element.
 */
export interface LocalRequirement {
  alternatives: AtomAlternative[];
  charge: -1 | 0 | 1;
  degree: number;
  neighbours: { types: number[]; elements: number[] }[];
}

function localRequirements(graph: ReturnType<typeof queryGraph>): LocalRequirement[] {
  const out: LocalRequirement[] = [];
  graph.atoms.forEach((alternatives, i) => {
    if (!alternatives) return;
    let degree = 0;
    const neighbours: LocalRequirement['neighbours'] = [];
    for (const { a, b, types } of graph.bonds) {
      if (a !== i && b !== i) continue;
      degree++;
      const other = graph.atoms[a === i ? b : a];
      if (types && other) neighbours.push({ types, elements: [...new Set(other.map((x) => x.z))] });
    }
    const specific = alternatives.every((a) => a.h !== undefined || a.isotope !== undefined);
    if (neighbours.length > 0 || degree >= 3 || specific) {
      out.push({ alternatives, charge: graph.charges[i], degree, neighbours });
    }
  });
  // the most demanding first, and a few are enough: this runs for every molecule
  return out.sort((x, y) => y.neighbours.length + y.degree - (x.neighbours.length + x.degree)).slice(0, 4);
}

function hasTriangle(atomCount: number, bonds: BondRequirement[]): boolean {
  const nbrs: Set<number>[] = Array.from({ length: atomCount }, () => new Set());
  for (const { a, b } of bonds) {
    nbrs[a].add(b);
    nbrs[b].add(a);
  }
  return bonds.some(({ a, b }) => [...nbrs[a]].some((c) => c !== b && nbrs[b].has(c)));
}

/** A bond's key: its two elements (unordered) and its RDKit bond type. */
export function bondKey(z1: number, z2: number, type: number): number {
  const lo = Math.min(z1, z2) & 127;
  const hi = Math.max(z1, z2) & 127;
  return (lo * 128 + hi) * 32 + (type & 31);
}

export function screenFor(smarts: string): Screen {
  const tally = new Map<number, number>();
  const anyOf: AtomAlternative[][] = [];
  const graph = queryGraph(smarts);
  for (const req of graph.atoms) {
    if (!req) continue;
    if (req.length === 1) {
      const key = req[0].z * 4 + req[0].aromatic;
      tally.set(key, (tally.get(key) ?? 0) + 1);
    } else {
      anyOf.push(req);
    }
  }
  const needs: Screen['needs'] = [...tally].map(([key, count]) => [key >> 2, (key & 3) as 0 | 1 | 2, count]);
  const totals = new Map<number, number>();
  for (const [z, , count] of needs) totals.set(z, (totals.get(z) ?? 0) + count);
  const bondKeys: number[][] = [];
  for (const { a, b, types } of graph.bonds) {
    const ra = graph.atoms[a];
    const rb = graph.atoms[b];
    if (!ra || !rb || !types) continue;
    const keys = new Set<number>();
    for (const x of ra) for (const y of rb) for (const t of types) keys.add(bondKey(x.z, y.z, t));
    bondKeys.push([...keys]);
  }
  const charged: Screen['charged'] = [];
  graph.charges.forEach((sign, i) => {
    if (sign !== 0) charged.push({ sign, elements: graph.atoms[i]?.map((a) => a.z) ?? null });
  });
  const aromaticBonds = new Array<number>(graph.atoms.length).fill(0);
  for (const { a, b, types } of graph.bonds) {
    if (types && types.length === 1 && types[0] === 12) {
      aromaticBonds[a]++;
      aromaticBonds[b]++;
    }
  }
  const elementMask = new Uint32Array(4);
  for (const z of totals.keys()) if (z < 128) elementMask[z >> 5] |= 1 << (z & 31);
  return {
    needs,
    elementMask,
    elementTotals: [...totals],
    anyOf,
    bondKeys,
    needsThreeRing: hasTriangle(graph.atoms.length, graph.bonds),
    charged,
    aromaticDegree: Math.max(0, ...aromaticBonds),
    local: localRequirements(graph),
  };
}

/** Atom counts per element, aliphatic and aromatic apart. */
export interface ElementCounts {
  aliphatic: Int32Array;
  aromatic: Int32Array;
  bondKeys: Set<number>;
  hasThreeRing: boolean;
  /** atoms with a positive / negative formal charge, per element */
  positive: Int32Array;
  negative: Int32Array;
  /** most aromatic bonds on one atom */
  aromaticDegree: number;
  /** per atom: its bonds as (bond type * 128 + neighbour element) */
  neighbourKeys: number[][];
  /** bit z set for every element present */
  elementMask: Uint32Array;
  /** per atom: total H count, H atoms in the graph included (what SMARTS H<n> tests) */
  h: Int32Array;
  graph: MolGraph;
  /** atom indices per element */
  byElement: Map<number, number[]>;
}

export function elementCounts(g: MolGraph): ElementCounts {
  const aliphatic = new Int32Array(128);
  const aromatic = new Int32Array(128);
  for (let i = 0; i < g.numAtoms; i++) {
    const z = g.z[i] & 127;
    if (g.aromatic[i]) aromatic[z]++;
    else aliphatic[z]++;
  }
  const positive = new Int32Array(128);
  const negative = new Int32Array(128);
  for (let i = 0; i < g.numAtoms; i++) {
    if (g.charge[i] > 0) positive[g.z[i] & 127]++;
    else if (g.charge[i] < 0) negative[g.z[i] & 127]++;
  }
  const bondKeys = new Set<number>();
  const aromaticBonds = new Int32Array(g.numAtoms);
  for (let b = 0; b < g.numBonds; b++) {
    bondKeys.add(bondKey(g.z[g.bondBegin[b]], g.z[g.bondEnd[b]], g.bondType[b]));
    if (g.bondType[b] === 12) {
      aromaticBonds[g.bondBegin[b]]++;
      aromaticBonds[g.bondEnd[b]]++;
    }
  }
  let aromaticDegree = 0;
  for (const n of aromaticBonds) if (n > aromaticDegree) aromaticDegree = n;
  const neighbourKeys: number[][] = Array.from({ length: g.numAtoms }, () => []);
  const byElement = new Map<number, number[]>();
  for (let i = 0; i < g.numAtoms; i++) {
    const list = byElement.get(g.z[i]);
    if (list) list.push(i);
    else byElement.set(g.z[i], [i]);
    for (const b of g.atomBonds[i]) {
      const o = g.bondBegin[b] === i ? g.bondEnd[b] : g.bondBegin[b];
      neighbourKeys[i].push(g.bondType[b] * 128 + (g.z[o] & 127));
    }
  }
  const h = new Int32Array(g.numAtoms);
  for (let i = 0; i < g.numAtoms; i++) {
    h[i] = g.hs[i];
    for (const k of neighbourKeys[i]) if ((k & 127) === 1) h[i]++;
  }
  const elementMask = new Uint32Array(4);
  for (let z = 0; z < 128; z++) if (aliphatic[z] + aromatic[z] > 0) elementMask[z >> 5] |= 1 << (z & 31);
  return {
    elementMask,
    neighbourKeys,
    h,
    graph: g,
    byElement,
    aliphatic,
    aromatic,
    bondKeys,
    hasThreeRing: g.rings.some((r) => r.length === 3),
    positive,
    negative,
    aromaticDegree,
  };
}

function available(c: ElementCounts, z: number, aromatic: 0 | 1 | 2): number {
  if (z > 127) return 0;
  if (aromatic === 0) return c.aliphatic[z];
  if (aromatic === 1) return c.aromatic[z];
  return c.aliphatic[z] + c.aromatic[z];
}

/** False only when the molecule cannot contain the query. */
export function mayMatch(screen: Screen, c: ElementCounts): boolean {
  const need = screen.elementMask;
  const have = c.elementMask;
  if ((need[0] & ~have[0]) | (need[1] & ~have[1]) | (need[2] & ~have[2]) | (need[3] & ~have[3])) return false;
  if (screen.needsThreeRing && !c.hasThreeRing) return false;
  if (screen.aromaticDegree > c.aromaticDegree) return false;
  for (const { sign, elements } of screen.charged) {
    const counts = sign > 0 ? c.positive : c.negative;
    if (elements ? !elements.some((z) => z < 128 && counts[z] > 0) : !counts.some((n) => n > 0)) return false;
  }
  for (const [z, aromatic, count] of screen.needs) if (available(c, z, aromatic) < count) return false;
  // distinct query atoms map to distinct molecule atoms: aliphatic + aromatic + either, together
  for (const [z, count] of screen.elementTotals) if (available(c, z, 2) < count) return false;
  for (const alternatives of screen.anyOf) {
    if (!alternatives.some((a) => available(c, a.z, a.aromatic) > 0)) return false;
  }
  for (const keys of screen.bondKeys) if (!keys.some((k) => c.bondKeys.has(k))) return false;
  for (const req of screen.local) if (!someAtomOffers(req, c)) return false;
  return true;
}

function someAtomOffers(req: LocalRequirement, c: ElementCounts): boolean {
  const g = c.graph;
  for (const alt of req.alternatives) {
    for (const i of c.byElement.get(alt.z) ?? []) {
      if (alt.aromatic !== 2 && g.aromatic[i] !== alt.aromatic) continue;
      if (alt.h !== undefined && c.h[i] !== alt.h) continue;
      if (alt.isotope !== undefined && g.isotope[i] !== alt.isotope) continue;
      if (req.charge !== 0 && Math.sign(g.charge[i]) !== req.charge) continue;
      const keys = c.neighbourKeys[i];
      if (keys.length < req.degree) continue;
      if (req.neighbours.every((n) => keys.some((k) => n.types.includes(k >> 7) && n.elements.includes(k & 127)))) {
        return true;
      }
    }
  }
  return false;
}
