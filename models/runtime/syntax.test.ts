import { describe, expect, it } from 'vitest';
import { readSmiles } from '../train/smiles-data.ts';
import { EOS_ID, Vocabulary } from '../vae/tokenizer.ts';
import { SmilesSyntax, initialSyntaxState } from './syntax.ts';
import type { SyntaxState } from './syntax.ts';

const ZINC = new URL('../../../shared/data/zinc250k/train.smi.gz', import.meta.url).pathname;
const zinc = readSmiles(ZINC, 5000);
const { vocabulary } = Vocabulary.fromSmiles([...zinc, 'C.C', 'C%10CC%10', '[Na+]', 'C=1CC1']);
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
          const want = vocabulary.tokens.map((_, t) => (t === EOS_ID ? sx.canEnd(st!) : sx.can(st!, t)) ? 1 : 0);
          expect([...sx.allowed(st!)], s).toEqual(want);
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
});
