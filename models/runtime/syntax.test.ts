import { describe, expect, it } from 'vitest';
import { readSmiles } from '../train/smiles-data.ts';
import { EOS_ID, Vocabulary } from '../vae/tokenizer.ts';
import { SmilesSyntax, initialSyntaxState } from './syntax.ts';
import type { SyntaxState } from './syntax.ts';

const ZINC = new URL('../../../shared/data/zinc250k/train.smi.gz', import.meta.url).pathname;
const zinc = readSmiles(ZINC, 5000);
const { vocabulary } = Vocabulary.fromSmiles([...zinc, 'C.C', 'C%10CC%10', '[Na+]', 'C=1CC1', 'C#N', '[O-]']);
const syntax = new SmilesSyntax(vocabulary.tokens, 100);
const ids = (s: string) => {
  const e = vocabulary.encode(s);
  if (!e.ok) throw new Error(e.problem.message);
  return e.ids.subarray(1, e.ids.length - 1);
};

describe('SmilesSyntax', () => {
  it('accepts 5,000 ZINC SMILES token by token, each token allowed by the mask', () => {
    for (const s of zinc) {
      let st: SyntaxState | null = initialSyntaxState();
      for (const id of ids(s)) {
        expect(syntax.allowed(st!)[id], `${s}: token ${vocabulary.tokens[id]}`).toBe(1);
        st = syntax.next(st!, id);
      }
      expect(syntax.allowed(st!)[EOS_ID], s).toBe(1);
    }
  });

  it('allowed() is can() token by token (decided once per kind, ring digits one by one)', () => {
    const short = new SmilesSyntax(vocabulary.tokens, 40); // near the length limit too
    for (const sx of [syntax, short]) {
      for (const s of zinc.slice(0, 300)) {
        let st: SyntaxState | null = initialSyntaxState();
        for (const id of [...ids(s), -1]) {
          const mask = (strict: boolean) => vocabulary.tokens.map((_, t) => (t === EOS_ID ? sx.canEnd(st!, strict) : sx.can(st!, t, undefined, strict)) ? 1 : 0);
          const strict = mask(true);
          expect([...sx.allowed(st!)], s).toEqual(strict.some((x) => x) ? strict : mask(false));
          if (id < 0) break;
          st = sx.next(st!, id) ?? st; // past the short limit: stay, still comparing masks
        }
      }
    }
  });

  it('accepts other valid forms: dots, %nn closures, a bond before a ring digit, bracket atoms', () => {
    for (const s of ['C.C', 'C%10CC%10', 'C=1CC1', '[Na+].c1ccccc1', 'CC(=O)O', 'C(C)(C)C', 'c1ccc2ccccc2c1']) expect(syntax.accepts(ids(s)), s).toBe(true);
  });

  it('rejects unbalanced branches, open or reused ring digits, two bonds in a row, bad starts and ends', () => {
    const bad = ['C(C', 'CC)', 'C()C', '(CC)', 'C1CC', 'C11', 'C1C1', 'C==C', '=CC', 'CC=', 'C(=)C', 'C.', '.C', 'C(C.C)', 'C12CC12', 'C1CC2'];
    for (const s of bad) expect(syntax.accepts(ids(s)), s).toBe(false);
  });

  it('never lets a decode run past the length limit without a way to close', () => {
    const short = new SmilesSyntax(vocabulary.tokens, 6);
    // Greedily take the first allowed non-<eos> token while possible: the state must still be able to end.
    let st = initialSyntaxState();
    for (;;) {
      const mask = short.allowed(st);
      const id = [...mask.keys()].find((i) => mask[i] && i !== EOS_ID && vocabulary.tokens[i] === '(') ?? [...mask.keys()].find((i) => mask[i] && i !== EOS_ID);
      if (id === undefined) break;
      st = short.next(st, id)!;
    }
    expect(st.length).toBeLessThanOrEqual(6);
    expect(short.canEnd(st)).toBe(true);
  });

  it('counts bond orders per atom: bonds, branches and ring closures past an atom’s valence are refused', () => {
    const bad = ['CF(C)', 'FC(F)(F)(F)F', 'C(=O)(=O)C', 'CO1CC1C', 'O1(C)CC1', 'C#N=C', 'C=[O-]', 'CC(C)(C)(C)C', 'FC1CCF1', 'C1CC#1C', 'CN(C)(C)C', 'C(F)=F'];
    for (const s of bad) expect(syntax.accepts(ids(s)), s).toBe(false);
    const good = ['O=C=O', 'C#N', 'CS(=O)(=O)C', 'O=[N+]([O-])c1ccccc1', 'C[N+](C)(C)C', 'C1=CC=CC=C1', 'C=1CC=1', 'C1CC=1', 'C(C)(C)(C)C', 'N#CC#N', 'C[NH3+]'];
    for (const s of good) expect(syntax.accepts(ids(s)), s).toBe(true);
  });

  it('refuses a ring closure on a full atom, and a token after which no open ring could be closed', () => {
    const can = (prefix: string, token: string) => {
      let st: SyntaxState | null = initialSyntaxState();
      for (const id of ids(prefix)) st = syntax.next(st!, id);
      return syntax.allowed(st!)[vocabulary.encode(token).ok ? ids(token)[0] : -1] === 1;
    };
    expect(can('CC(=O', '1')).toBe(false); // O already has its two bonds
    expect(can('C1CC', '=')).toBe(true);
    expect(can('C1CC=', 'O')).toBe(false); // the ring on C1 could then never close: nothing left with room
    expect(can('C1CC(C)=', 'O')).toBe(false);
    expect(can('C1CC(=', 'O')).toBe(true); // back through ')' to the C, which has room
    expect(can('C1CC=', 'C')).toBe(true);
  });

  it('never leaves a decode with nothing allowed: 3,000 random walks through the mask all end accepted', () => {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = (xs: number[]) => xs[Math.floor(rand() * xs.length)];
    // far from the length limit (the valences alone), and without '.', as in the shipped models' vocabularies (a
    // dot would let a string go on past a full atom with a ring open). Syntax and valences only: random walks
    // through aromatic atoms rarely make a system that may end, so with the Kekulé check they wander to the
    // limit, where allowed() sets the check aside (below) and these rules are what must leave a way on.
    const sx = new SmilesSyntax(vocabulary.tokens.map((t) => (t === '.' ? '?' : t)), 1000, false);
    const closing = new Set(vocabulary.tokens.flatMap((t, i) => (t === ')' || /^(\d|%\d\d)$/.test(t) ? [i] : [])));
    // tokens that fill atoms up, taken often so that walks reach full atoms with rings open
    const filling = new Set(vocabulary.tokens.flatMap((t, i) => (['=', '#', 'O', 'F', '[O-]'].includes(t) ? [i] : [])));
    for (let walk = 0; walk < 3000; walk++) {
      let st = initialSyntaxState();
      const out: number[] = [];
      for (;;) {
        const mask = sx.allowed(st);
        const ok = [...mask.keys()].filter((i) => mask[i]);
        expect(ok.length, vocabulary.decode(out)).toBeGreaterThan(0);
        // past a random length, wind down: end when allowed, else close a branch or a ring when one may close
        const windDown = out.length > 10 + walk % 50;
        const closers = ok.filter((i) => closing.has(i) && !(vocabulary.tokens[i] !== ')' && !st.rings.has(vocabulary.tokens[i])));
        const fillers = ok.filter((i) => filling.has(i));
        const rest = ok.filter((i) => i !== EOS_ID);
        const id = (windDown && mask[EOS_ID]) || rest.length === 0 ? EOS_ID : windDown && closers.length && rand() < 0.8 ? pick(closers) : fillers.length && rand() < 0.4 ? pick(fillers) : pick(rest);
        if (id === EOS_ID) break;
        out.push(id);
        st = sx.next(st, id)!;
        expect(st, vocabulary.decode(out)).not.toBeNull();
      }
      expect(sx.accepts(out), vocabulary.decode(out)).toBe(true);
    }
  });

  it('lets no aromatic system end that cannot be kekulized, and holds every kekulizable one', () => {
    const strict = (s: string) => syntax.accepts(ids(s));
    // each needs a double bond an atom of it cannot get: five ring carbons, a pyrrole nitrogen written n, a
    // neutral n with three bonds, an aromatic carbon left outside any ring, c=O taking the only partner
    const bad = ['c1cccc1', 'c1ccnc1', 'c1ccn(C)cc1', 'Cc1ccccc1c', 'O=c1ccccc1', 'c1ccc(cc1)c1cccc1', 'Cn1cccc1=O'];
    for (const s of bad) {
      expect(strict(s), s).toBe(false);
      expect(syntax.accepts(ids(s), false), s).toBe(true); // syntax and valences alone let them through
    }
    const good = [
      'c1ccccc1', 'c1cc[nH]c1', 'O=c1cccc[nH]1', 'O=c1ccccn1C', 'C[n+]1ccccc1', 'c1cc[nH+]cc1', 'c1ccsc1', 'c1ccoc1',
      'c1ccc2ccccc2c1', 'c1ccc(-c2ccccc2)cc1', 'c1ccc2c(c1)ccc1ccccc12', 'Cn1cnc2c1c(=O)n(C)c(=O)n2C', 'c1ccc2[nH]ccc2c1',
      'O=[N+]([O-])c1ccc(cc1)C(=O)O', 'c1cc2ccc3cccc4ccc(c1)c2c34', 'C1=CC=CC=C1',
    ];
    for (const s of good) expect(strict(s), s).toBe(true);
    // where it decides: the ring may close, but may not end there; a chain may go on with aromatic atoms only
    const mask = (prefix: string) => {
      let st: SyntaxState | null = initialSyntaxState();
      for (const id of ids(prefix)) st = syntax.next(st!, id);
      return syntax.allowed(st!);
    };
    expect(mask('c1cccc')[ids('1')[0]]).toBe(1);
    expect(mask('c1cccc1')[EOS_ID]).toBe(0);
    expect(mask('c1cccc1')[ids('C')[0]]).toBe(0);
    expect(mask('c1cccc1')[ids('c')[0]]).toBe(1);
    expect(mask('c1ccccc1')[EOS_ID]).toBe(1);
    // set aside where it would leave nothing: at the length limit, the five-ring may end after all
    const short = new SmilesSyntax(vocabulary.tokens, ids('c1cccc1').length);
    let st: SyntaxState | null = initialSyntaxState();
    for (const id of ids('c1cccc1')) st = short.next(st!, id);
    expect(short.canEnd(st!)).toBe(false);
    expect([...short.allowed(st!).keys()].filter((i) => short.allowed(st!)[i])).toEqual([EOS_ID]);
  });

});
