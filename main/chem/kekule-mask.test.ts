// The decoding mask's Kekulé check (models/runtime/kekule.ts, syntax.ts) held against RDKit itself, on strings
// no data set holds: random walks through the mask with its Kekulé check set aside, rich in aromatic atoms, ring
// digits and branches. Whatever RDKit reads, the check must let through (it only forbids what RDKit refuses);
// of what RDKit refuses for aromaticity alone, it must catch most.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SmilesSyntax, initialSyntaxState } from '../../models/runtime/syntax.ts';
import { EOS_ID } from '../../models/vae/tokenizer.ts';
import { resolveModelRef } from '../design/model-path.ts';
import { loadRDKit, withMol } from './rdkit.ts';

const tokens = JSON.parse(fs.readFileSync(path.join(resolveModelRef('zinc-chembl'), 'manifest.json'), 'utf8')).vocabulary.tokens as string[];
const reads = (smiles: string, details?: Record<string, unknown>) => withMol(smiles, () => true, details) === true;

beforeAll(async () => {
  await loadRDKit();
});

describe('the Kekulé check against RDKit', () => {
  it('lets through every walk RDKit reads, and refuses most that RDKit cannot kekulize', () => {
    const loose = new SmilesSyntax(tokens, 60, false);
    const strict = new SmilesSyntax(tokens, 60);
    // aromatic atoms, ring digits and ')' drawn often, so that walks close aromatic rings of every kind
    // (bracket atoms seldom: most walks through them are refused for other reasons)
    const weight = tokens.map((t) => ({ c: 10, n: 3, o: 1, s: 1, '[nH]': 2, C: 3, N: 1, O: 1, '(': 2, ')': 4, '1': 4, '2': 4, '3': 3, '-': 1, '=': 1 })[t] ?? (t.startsWith('[') ? 0.1 : 0.5));
    let seed = 11;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let read = 0, unkekulized = 0, caught = 0;
    for (let walk = 0; walk < 8000; walk++) {
      let st = initialSyntaxState();
      const ids: number[] = [];
      for (;;) {
        const mask = loose.allowed(st);
        const rest = [...mask.keys()].filter((i) => mask[i] && i !== EOS_ID);
        if (mask[EOS_ID] && (rest.length === 0 || ids.length > 6 + (walk % 25) || rand() < 0.02)) break;
        if (rest.length === 0) break;
        const total = rest.reduce((a, i) => a + weight[i], 0);
        let r = rand() * total, id = rest[rest.length - 1];
        for (const i of rest) {
          r -= weight[i];
          if (r <= 0) {
            id = i;
            break;
          }
        }
        ids.push(id);
        st = loose.next(st, id)!;
      }
      if (!loose.canEnd(st) || !ids.some((i) => /^\[?\d*[cnos]/.test(tokens[i]))) continue;
      const smiles = ids.map((i) => tokens[i]).join('');
      if (reads(smiles)) {
        read++;
        expect(strict.accepts(ids), smiles).toBe(true);
      } else if (reads(smiles, { kekulize: false })) {
        unkekulized++;
        if (!strict.accepts(ids)) caught++;
      }
    }
    expect(read).toBeGreaterThan(100); // 127 (seed 11)
    expect(unkekulized).toBeGreaterThan(1000); // 5,598, of which 5,567 caught
    expect(caught / unkekulized).toBeGreaterThan(0.9);
  });
});
