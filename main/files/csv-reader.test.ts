// The CSV/TSV/semicolon reader on the shared samples and on hand-made tables with every kind of fault.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { loadRDKit, withMol } from '../chem/rdkit.ts';
import { collect } from './collect.ts';
import { readMoleculeFile } from './read.ts';

const SAMPLES = join(import.meta.dirname, '../../../shared/data/samples');
const dir = mkdtempSync(join(tmpdir(), 'molscape-csv-'));
const write = (name: string, content: string): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const read = (path: string) => collect(readMoleculeFile(path));

describe('CSV samples', () => {
  // The expected values come from csv-parse's own synchronous parse of the whole file.
  const table = (name: string) => parse(readFileSync(join(SAMPLES, name)), { columns: true }) as Record<string, string>[];

  it('bbbp.csv: every row kept, name and SMILES by header, the rest typed', async () => {
    const rows = table('bbbp.csv');
    const { records, problems } = await read(join(SAMPLES, 'bbbp.csv'));
    expect(problems).toEqual([]);
    expect(records).toHaveLength(rows.length);
    records.forEach((r, i) => {
      expect(r.structure).toBe(rows[i].smiles.trim());
      expect(r.name).toBe(rows[i].name.trim() || null);
      expect(r.userProps).toEqual({ num: Number(rows[i].num), p_np: Number(rows[i].p_np) });
      expect(r.line).toBe(i + 2);
      expect(r.record).toBe(i + 1);
    });
  });

  it('bbbp.csv: the rows RDKit refuses are still passed on, with their lines, for the import job to report', async () => {
    await loadRDKit();
    const { records } = await read(join(SAMPLES, 'bbbp.csv'));
    const refused = records.filter((r) => !withMol(r.structure, () => true));
    expect(refused.length).toBeGreaterThan(5);
    expect(refused.length).toBeLessThan(20);
    const lines = readFileSync(join(SAMPLES, 'bbbp.csv'), 'utf8').split('\n');
    for (const r of refused) expect(lines[r.line - 1]).toContain(r.structure);
  });

  it('esol.csv: "Compound ID" is the name, SMILES trimmed, eight numeric properties', async () => {
    const rows = table('esol.csv');
    const { records, problems } = await read(join(SAMPLES, 'esol.csv'));
    expect(problems).toEqual([]);
    expect(records).toHaveLength(rows.length);
    expect(records[0].name).toBe(rows[0]['Compound ID']);
    expect(records[0].structure).toBe(rows[0].smiles.trim());
    expect(Object.keys(records[0].userProps)).toHaveLength(8);
    expect(records[0].userProps['measured log solubility in mols per litre']).toBe(Number(rows[0]['measured log solubility in mols per litre']));
  });

  it('lipophilicity.csv: CMPD_CHEMBLID is the name, exp a number', async () => {
    const rows = table('lipophilicity.csv');
    const { records, problems } = await read(join(SAMPLES, 'lipophilicity.csv'));
    expect(problems).toEqual([]);
    expect(records.map((r) => r.name)).toEqual(rows.map((r) => r.CMPD_CHEMBLID));
    expect(records.map((r) => r.userProps.exp)).toEqual(rows.map((r) => Number(r.exp)));
  });

  it('chembl2321810-activities.csv has no SMILES column and says so', async () => {
    const { records, problems } = await read(join(SAMPLES, 'chembl2321810-activities.csv'));
    expect(records).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0].reason).toMatch(/no SMILES column found.*Name, Act/);
    expect(problems[0].line).toBe(1);
  });
});

describe('CSV variants', () => {
  it('detects tab, semicolon and comma; finds the SMILES column by content when no header names it', async () => {
    const tsv = await read(write('t.tsv', 'id\tstruct\tpIC50\nm1\tCCO\t5.1\nm2\tc1ccccc1\t\n'));
    expect(tsv.problems).toEqual([]);
    expect(tsv.records.map((r) => [r.name, r.structure, r.userProps.pIC50])).toEqual([['m1', 'CCO', 5.1], ['m2', 'c1ccccc1', null]]);
    const semi = await read(write('s.csv', 'Compound;Activity;Structure\nA;1,5;CCN\nB;2;CCCl\n'));
    expect(semi.problems).toEqual([]);
    expect(semi.records.map((r) => [r.name, r.structure, r.userProps.Activity])).toEqual([['A', 'CCN', '1,5'], ['B', 'CCCl', 2]]);
    const headerless = await read(write('n.csv', 'CCO,ethanol,1\nCCN,ethylamine,2\nc1ccccc1,benzene,3\n'));
    expect(headerless.problems).toEqual([]);
    expect(headerless.records.map((r) => [r.line, r.structure, r.name, r.userProps.column3])).toEqual([
      [1, 'CCO', 'ethanol', 1],
      [2, 'CCN', 'ethylamine', 2],
      [3, 'c1ccccc1', 'benzene', 3],
    ]);
  });

  it('reports wrong column counts, bad and unclosed quotes, empty SMILES with line and record; keeps the rest', async () => {
    const path = write(
      'bad.csv',
      [
        'name,smiles,value', // 1
        'a,CCO,1', // 2
        'b,CCN', // 3 too few
        'c,"CC"C,3', // 4 bad closing quote
        '"d\nD",CCC,4', // 5-6 quoted newline: a legal (if odd) field
        'e,,5', // 7 empty SMILES
        '"f,CCCl,6', // 8 never closed
        'g,CCBr,7', // 9
        'h,CCI,8,extra', // 10 too many
        'i,"C=O",9', // 11 quoted
      ].join('\n'),
    );
    const { records, problems } = await read(path);
    expect(records.map((r) => [r.line, r.name, r.structure])).toEqual([
      [2, 'a', 'CCO'],
      [5, 'd\nD', 'CCC'],
      [9, 'g', 'CCBr'],
      [11, 'i', 'C=O'],
    ]);
    expect(problems.map((p) => p.line)).toEqual([3, 4, 7, 8, 10]);
    expect(problems.map((p) => p.record)).toEqual([2, 3, 5, 6, 8]);
    expect(problems[0].reason).toMatch(/wrong number of columns: 2/);
    expect(problems[1].reason).toMatch(/malformed quotes/);
    expect(problems[2].reason).toMatch(/empty SMILES/);
    expect(problems[3].reason).toMatch(/never closed/);
    expect(problems[4].reason).toMatch(/wrong number of columns: 4/);
    expect(problems.every((p) => p.file === 'bad.csv')).toBe(true);
  });

  it('keeps leading-zero codes as text and numbers as numbers; names duplicate headers apart', async () => {
    const { records } = await read(write('d.csv', 'smiles,batch,x,x\nCC,007,1e3,-2.5\n'));
    expect(records[0].userProps).toEqual({ batch: '007', x: 1000, x_2: -2.5 });
  });
});
