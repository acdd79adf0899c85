// The values-table reader: a Name,Act table joined by id onto the molecules of the matching SMILES file.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { collect } from './collect.ts';
import { readMoleculeFile } from './read.ts';
import { readValuesTable } from './values-table.ts';
import type { ValueRow } from './values-table.ts';
import type { SourceProblem } from './types.ts';

const SAMPLES = join(import.meta.dirname, '../../../shared/data/samples');
const dir = mkdtempSync(join(tmpdir(), 'molscape-values-'));

async function all(source: string, options = {}) {
  const rows: ValueRow[] = [];
  const problems: SourceProblem[] = [];
  for await (const item of readValuesTable(source, options)) (item.kind === 'values' ? rows : problems).push(item as never);
  return { rows, problems };
}

describe('values tables', () => {
  it('reads chembl2321810-activities.csv keyed by Name, and its keys join onto the series SMILES file', async () => {
    const path = join(SAMPLES, 'chembl2321810-activities.csv');
    const expected = parse(readFileSync(path), { columns: true }) as { Name: string; Act: string }[];
    const { rows, problems } = await all(path);
    expect(problems).toEqual([]);
    expect(rows).toHaveLength(expected.length);
    expect(rows[0]).toMatchObject({ line: 2, record: 1, keyColumn: 'Name', key: expected[0].Name, values: { Act: Number(expected[0].Act) } });
    expect(rows.map((r) => r.values.Act)).toEqual(expected.map((e) => Number(e.Act)));
    const molecules = await collect(readMoleculeFile(join(SAMPLES, 'chembl2321810-series.smi')));
    const names = new Set(molecules.records.map((r) => r.name));
    const joined = rows.filter((r) => names.has(r.key));
    expect(joined.length).toBeGreaterThan(rows.length * 0.9);
  });

  it('takes a key column by name, reports bad rows and an unknown key column', async () => {
    const path = join(dir, 'v.tsv');
    writeFileSync(path, 'Act\tid\tnote\n5.1\tm1\tok\n6\tm2\n7\t\tx\n');
    const { rows, problems } = await all(path, { keyColumn: 'id' });
    expect(rows).toEqual([{ kind: 'values', line: 2, record: 1, key: 'm1', keyColumn: 'id', values: { Act: 5.1, note: 'ok' } }]);
    expect(problems.map((p) => [p.line, p.record])).toEqual([[3, 2], [4, 3]]);
    expect(problems[0].reason).toMatch(/wrong number of columns/);
    expect(problems[1].reason).toMatch(/empty key/);
    const missing = await all(path, { keyColumn: 'nope' });
    expect(missing.problems[0].reason).toMatch(/no column 'nope'/);
  });
});
