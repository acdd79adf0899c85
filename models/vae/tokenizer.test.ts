import { describe, expect, it } from 'vitest';
import { readSmiles } from '../train/smiles-data.ts';
import { BOS_ID, EOS_ID, SPECIALS, Vocabulary, tokenize } from './tokenizer.ts';

const ZINC = new URL('../../../shared/data/zinc250k/valid.smi.gz', import.meta.url).pathname;

describe('tokenize', () => {
  it('keeps bracket atoms, Cl, Br and %nn ring closures whole', () => {
    const t = tokenize('C[C@@H](Cl)c1ccc(Br)cc1%12.[Na+]*C%12=O');
    expect(t.ok && t.tokens).toEqual(['C', '[C@@H]', '(', 'Cl', ')', 'c', '1', 'c', 'c', 'c', '(', 'Br', ')', 'c', 'c', '1', '%12', '.', '[Na+]', '*', 'C', '%12', '=', 'O']);
  });

  it('joins back to the input for thousands of ZINC SMILES', () => {
    for (const s of readSmiles(ZINC, 3000)) {
      const t = tokenize(s);
      expect(t.ok && t.tokens.join('')).toBe(s);
    }
  });

  it('reports a character that is not SMILES and an unclosed bracket, with the position', () => {
    const a = tokenize('CCXC', 4);
    expect(a.ok).toBe(false);
    if (!a.ok) {
      expect(a.problem).toMatchObject({ token: 'X', position: 2, index: 4 });
      expect(a.problem.message).toContain('molecule 5');
    }
    const b = tokenize('CC[NH3+');
    expect(!b.ok && b.problem.message).toContain('unclosed bracket');
    expect(tokenize('').ok).toBe(false);
  });
});

describe('Vocabulary', () => {
  it('is built from data with the specials first and survives JSON', () => {
    const { vocabulary, problems } = Vocabulary.fromSmiles(['CCO', 'c1ccccc1Cl', 'C#N', 'CCX']);
    expect(vocabulary.tokens.slice(0, 4)).toEqual([...SPECIALS]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ index: 3, token: 'X' });
    const back = Vocabulary.fromJSON(JSON.parse(JSON.stringify(vocabulary)));
    expect(back.tokens).toEqual(vocabulary.tokens);
    const e = back.encode('OCC#N');
    expect(e.ok).toBe(true);
    if (e.ok) {
      expect(e.ids[0]).toBe(BOS_ID);
      expect(e.ids[e.ids.length - 1]).toBe(EOS_ID);
      expect(back.decode(e.ids)).toBe('OCC#N');
    }
  });

  it('reports a token outside the vocabulary by token, molecule and position, and keeps the good ones', () => {
    const { vocabulary } = Vocabulary.fromSmiles(['CCO', 'CCN']);
    const r = vocabulary.encodeAll(['CCO', 'CC[Se]C', 'NCC', 'CCBr']);
    expect(r.encoded.map((e) => e.index)).toEqual([0, 2]);
    expect(r.problems.map((p) => [p.index, p.token, p.position])).toEqual([[1, '[Se]', 2], [3, 'Br', 2]]);
    expect(r.problems[0].message).toMatch(/molecule 2 .*'\[Se\]'.*not in the model's vocabulary/);
  });

  it('refuses a malformed vocabulary file', () => {
    expect(() => Vocabulary.fromJSON({ tokens: ['C', 'O'] })).toThrow(/token 0 must be <pad>/);
    expect(() => Vocabulary.fromJSON({})).toThrow(/expected/);
  });

  it('never throws while encoding ZINC with a vocabulary from part of it', () => {
    const smiles = readSmiles(ZINC, 2000);
    const { vocabulary } = Vocabulary.fromSmiles(smiles.slice(0, 200));
    const r = vocabulary.encodeAll(smiles);
    expect(r.encoded.length + r.problems.length).toBe(smiles.length);
    for (const e of r.encoded) expect(vocabulary.decode(e.ids)).toBe(smiles[e.index]);
    for (const p of r.problems) expect(vocabulary.id(p.token)).toBeUndefined();
  });
});
