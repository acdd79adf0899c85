import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildExamples, normalizationOf, readPropertyTable, readSmilesFile } from './data.ts';
import { Vocabulary } from './tokenizer.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vae-data-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('training data', () => {
  it('keeps line numbers, reports molecules outside the vocabulary by line, and normalizes properties', () => {
    const smi = path.join(tmp, 'a.smi');
    fs.writeFileSync(smi, '# a comment\nCCO ethanol\n\nc1ccccc1O phenol\nCC[Se]C odd\nCCN\n');
    const data = readSmilesFile(smi);
    expect(data).toEqual({ smiles: ['CCO', 'c1ccccc1O', 'CC[Se]C', 'CCN'], lines: [2, 4, 5, 6] });
    const props = path.join(tmp, 'p.tsv');
    fs.writeFileSync(props, 'smiles\tlogp\tqed\nCCO\t1\t0.5\nc1ccccc1O\t3\t\nCCN\t2\tx\n');
    const table = readPropertyTable(props);
    expect(table.names).toEqual(['logp', 'qed']);
    const norm = normalizationOf(table, data.smiles);
    expect(norm.mean[0]).toBeCloseTo(2);
    expect(norm.std[0]).toBeCloseTo(Math.sqrt(2 / 3));
    expect(norm.mean[1]).toBeCloseTo(0.5);

    const { vocabulary } = Vocabulary.fromSmiles(['CCO', 'c1ccccc1O', 'CCN']);
    const { examples, problems } = buildExamples(vocabulary, data, { table, norm });
    expect(examples).toHaveLength(3);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ line: 5, token: '[Se]' });
    expect(problems[0].message).toMatch(/^line 5: /);
    expect(examples[0].props![0]).toBeCloseTo((1 - 2) / Math.sqrt(2 / 3));
    expect(Number.isNaN(examples[1].props![1])).toBe(true);
    expect(Number.isNaN(examples[2].props![1])).toBe(true);
  });
});
