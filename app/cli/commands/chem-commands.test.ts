// props, search, export and join through the real CLI process (node bin.mjs), on real files and a real
// workspace. Expected values are computed here with main/chem and main/files, never typed in.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { propertiesOf } from '../../../main/chem/properties.ts';
import { loadRDKit } from '../../../main/chem/rdkit.ts';
import { similaritySearch, substructureSearch } from '../../../main/chem/search.ts';
import { readValuesTable } from '../../../main/files/values-table.ts';
import { cliRunner } from '../test-support.ts';
import { PROPS_COLUMNS } from './props.ts';

const SAMPLES = new URL('../../../../shared/data/samples/', import.meta.url).pathname;
const SERIES_FILE = `${SAMPLES}chembl2321810-series.smi`;
const ACTIVITIES = `${SAMPLES}chembl2321810-activities.csv`;

/** A small CSV parser for what the CLI writes (RFC 4180 quoting). */
function parseCsv(text: string): Record<string, string>[] {
  const records: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted && ch === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (!quoted && (ch === ',' || ch === '\n')) {
      row.push(cell);
      cell = '';
      if (ch === '\n') {
        records.push(row);
        row = [];
      }
    } else {
      cell += ch;
    }
  }
  if (cell || row.length) records.push([...row, cell]);
  const [head, ...rest] = records;
  return rest.map((r) => Object.fromEntries(r.map((v, i) => [head[i], v])));
}

describe('molscape props, search, export, join', () => {
  const { tmp, molscape } = cliRunner('molscape-chem-cli-');
  // the first 300 compounds of the series: the same checks, at a third of the time
  const seriesLines = readFileSync(SERIES_FILE, 'utf8').trim().split('\n').slice(0, 300);
  const SERIES = tmp.file('series.smi');
  beforeAll(async () => {
    writeFileSync(SERIES, seriesLines.join('\n') + '\n');
    await loadRDKit();
  });
  afterAll(() => tmp.remove());

  it('props writes the panel for each valid record and every problem to stderr as FILE:LINE: reason', async () => {
    writeFileSync(tmp.file('few.smi'), ['CC(=O)Oc1ccccc1C(=O)O aspirin', 'C1CC broken', 'O=C1C=CC(=O)C=C1 quinone', '', 'c1ccccc1 benzene'].join('\n'));
    const r = await molscape('props', 'few.smi', '--out', 'few.csv');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^few\.smi:2: .+/m);
    const rows = parseCsv(readFileSync(tmp.file('few.csv'), 'utf8'));
    expect(Object.keys(rows[0])).toEqual([...PROPS_COLUMNS]);
    expect(rows.map((x) => [x.line, x.name])).toEqual([['1', 'aspirin'], ['3', 'quinone'], ['5', 'benzene']]);
    for (const row of rows) {
      const got = propertiesOf(row.smiles);
      if (!('properties' in got)) throw new Error(got.error);
      const p = got.properties;
      expect(Number(row.mol_wt)).toBeCloseTo(p.mol_wt as number, 6);
      expect(Number(row.qed)).toBeCloseTo(p.qed as number, 6);
      expect(row.hbd).toBe(String(p.hbd));
      expect(row.veber_pass).toBe(String(p.veber_pass));
      expect(row.pains).toBe(String(p.pains).split(', ').filter(Boolean).join(';'));
    }
    const stdout = await molscape('props', 'few.smi');
    expect(stdout.stdout).toBe(readFileSync(tmp.file('few.csv'), 'utf8'));
  });

  it('search finds substructures and the top-k most similar in a file', async () => {
    const smiles = seriesLines.map((l) => l.split(/\s+/)[0]);
    const sub = await molscape('search', '--substructure', 'c1ccncc1', SERIES);
    expect(sub.code, sub.stderr).toBe(0);
    expect(parseCsv(sub.stdout).map((x) => Number(x.line))).toEqual(substructureSearch(smiles, 'c1ccncc1').map((i) => i + 1));
    const sim = await molscape('search', '--similar', smiles[10], '--top', '5', SERIES);
    const expected = similaritySearch(smiles, smiles[10], 5);
    expect(parseCsv(sim.stdout).map((x) => [Number(x.line), Number(x.similarity)])).toEqual(expected.map((h) => [h.index + 1, Number(h.similarity.toFixed(4))]));
    expect((await molscape('search', SERIES)).code).toBe(2);
  });

  it('search reads a substructure as SMARTS unless --smiles, says so in its help, and names the mode that failed', async () => {
    writeFileSync(tmp.file('phenols.smi'), ['Oc1ccccc1 phenol', 'COc1ccccc1 anisole', 'CC(=O)Oc1ccccc1 phenyl-acetate', 'Oc1ccccc1O catechol'].join('\n'));
    const names = (stdout: string) => parseCsv(stdout).map((x) => x.name);
    const smarts = await molscape('search', '--substructure', '[OH]c1ccccc1', 'phenols.smi');
    expect(smarts.code, smarts.stderr).toBe(0);
    expect(names(smarts.stdout)).toEqual(['phenol', 'catechol']);
    expect(names((await molscape('search', '--substructure', '[OH]c1ccccc1', '--smarts', 'phenols.smi')).stdout)).toEqual(['phenol', 'catechol']);
    const smiles = await molscape('search', '--substructure', '[OH]c1ccccc1', '--smiles', 'phenols.smi');
    expect(names(smiles.stdout)).toEqual(['phenol', 'anisole', 'phenyl-acetate', 'catechol']);
    const bad = await molscape('search', '--substructure', '[#8;R]', '--smiles', 'phenols.smi');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^molscape search: Not a valid SMILES query: \[#8;R\]: .*choose SMARTS/m);
    expect((await molscape('search', '--substructure', 'O', '--smarts', '--smiles', 'phenols.smi')).code).toBe(2);
    expect((await molscape('search', '--similar', 'O', '--smiles', 'phenols.smi')).code).toBe(2);
    const help = await molscape('search', '--help');
    expect(help.stdout).toMatch(/SMARTS \(default\) matches atoms as written \(\[OH\] requires the H/);
    expect(help.stdout).toContain('--smiles');
  });

  it('joins activities onto an imported series, searches and exports it, and the export imports back the same', async () => {
    expect((await molscape('import', SERIES, '-w', 'w.sqlite', '-n', 'series', '--no-properties')).code).toBe(0);
    const join = await molscape('join', ACTIVITIES, '-w', 'w.sqlite', '-c', 'series');
    expect(join.code, join.stderr).toBe(0);
    const values = new Map<string, unknown>();
    for await (const v of readValuesTable(ACTIVITIES)) if (v.kind === 'values') values.set(v.key, v.values.Act);
    const names = new Set(seriesLines.map((l) => l.split(/\s+/)[1]));
    const matched = [...values.keys()].filter((k) => names.has(k)).length;
    expect(join.stdout).toContain(`${matched} rows matched, ${values.size - matched} unmatched; columns: Act`);

    const sub = await molscape('search', '--substructure', 'c1ccncc1', '-w', 'w.sqlite', '-c', 'series');
    expect(sub.code, sub.stderr).toBe(0);
    const fileHits = parseCsv((await molscape('search', '--substructure', 'c1ccncc1', SERIES)).stdout).map((x) => x.name);
    expect(parseCsv(sub.stdout).map((x) => x.name)).toEqual(fileHits);

    const exp = await molscape('export', '-w', 'w.sqlite', '-c', 'series', '--format', 'csv', '--out', 'series.csv');
    expect(exp.code, exp.stderr).toBe(0);
    expect((await molscape('import', 'series.csv', '-w', 'w.sqlite', '-n', 'back', '--no-properties', '--json')).code).toBe(0);
    const back = await molscape('export', '-w', 'w.sqlite', '-c', 'back', '--out', 'back.csv');
    expect(back.code, back.stderr).toBe(0);
    const a = parseCsv(readFileSync(tmp.file('series.csv'), 'utf8'));
    const b = parseCsv(readFileSync(tmp.file('back.csv'), 'utf8'));
    expect(b.map((x) => [x.smiles, x.name, x.Act])).toEqual(a.map((x) => [x.smiles, x.name, x.Act]));
    expect(a.filter((x) => x.Act !== '').length).toBe(matched);
    expect(Number(a[0].Act)).toBe(values.get(a[0].name));

    // An SD file from a fresh process that has not drawn anything yet (RDKit loads on demand for coordinates).
    const sdf = await molscape('export', '-w', 'w.sqlite', '-c', 'series', '--format', 'sdf', '--out', 'series.sdf');
    expect(sdf.code, sdf.stderr).toBe(0);
    const sdRecords = readFileSync(tmp.file('series.sdf'), 'utf8').split('$$$$\n').filter((r) => r.trim());
    expect(sdRecords.length).toBe(a.length);
    expect(sdRecords[0]).toContain('V2000');

    const missing = await molscape('export', '-w', 'w.sqlite', '-c', 'nope', '--out', 'x.csv');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no collection "nope"/);
  }, 60_000);
});
