// Round trips through the writers and back through the readers, with real files and real RDKit: the
// structures (compared as canonical SMILES), names and property values must come back unchanged.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRDKit, withMol } from '../chem/rdkit.ts';
import { collect } from './collect.ts';
import { readMoleculeFile } from './read.ts';
import { createMoleculeWriter, csvCell, roundForFile } from './writers.ts';
import type { WritableMolecule } from './writers.ts';

const SAMPLES = join(import.meta.dirname, '../../../shared/data/samples');
const dir = mkdtempSync(join(tmpdir(), 'molscape-write-'));
const canonical = (s: string) => withMol(s, (m) => m.get_smiles()) ?? null;

let rows: WritableMolecule[] = [];

beforeAll(async () => {
  await loadRDKit();
  // Real molecules from two samples, with computed properties from RDKit and the files' own columns...
  const bbbp = await collect(readMoleculeFile(join(SAMPLES, 'bbbp.csv')));
  const esol = await collect(readMoleculeFile(join(SAMPLES, 'esol.csv')));
  const real = [...bbbp.records.slice(0, 150), ...esol.records.slice(0, 100)].flatMap((r) => {
    const props = withMol(r.structure, (m) => ({ heavyAtoms: m.get_num_atoms(true), bonds: m.get_num_bonds() }));
    return props ? [{ smiles: r.structure, name: r.name, props, userProps: r.userProps }] : [];
  });
  // ...and names and values that need quoting or escaping.
  const tricky: WritableMolecule[] = [
    { smiles: 'CCO', name: 'ethanol, absolute', props: { heavyAtoms: 3 }, userProps: { note: 'say "hi"', batch: '007', x: -1.5e-7 } },
    { smiles: 'c1ccccc1', name: ' padded ', props: { heavyAtoms: null }, userProps: { note: null, batch: 'A;B', x: 0 } },
    { smiles: 'C[C@H](N)C(=O)O', name: null, props: { heavyAtoms: 6 }, userProps: { note: 'two\nlines', batch: 'tab\there', x: 1e21 } },
    { smiles: 'O=C=O', name: 'smiles', props: {}, userProps: { smiles: 'clash', name: 'clash too' } },
  ];
  rows = [...real, ...tricky];
});

async function roundTrip(fileName: string) {
  const path = join(dir, fileName);
  const writer = createMoleculeWriter(path);
  for (const row of rows) expect(await writer.write(row)).toBe(true);
  await writer.close();
  expect(writer.written).toBe(rows.length);
  return { path, ...(await collect(readMoleculeFile(path))) };
}

/** A number as the writers round it (these rows' computed keys are not the panel's: 12 significant digits). */
const rounded = (v: unknown) => (typeof v === 'number' ? roundForFile(v) : v);

/**
 * What a reader gives back for a row's values: computed and user values together, numbers rounded; a file column
 * keeps its name (one called smiles or name, in CSV, becomes user_<name>), a computed one it clashes with is <key>_computed.
 */
function expectedValues(row: WritableMolecule, reserved = ['smiles', 'name']): Record<string, unknown> {
  const user = Object.keys(row.userProps ?? {}).map((k) => k.toLowerCase());
  const values: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row.props ?? {})) values[user.includes(k.toLowerCase()) ? `${k}_computed` : k] = rounded(v);
  for (const [k, v] of Object.entries(row.userProps ?? {})) values[reserved.includes(k.toLowerCase()) ? `user_${k}` : k] = rounded(v);
  return values;
}

describe('writers', () => {
  it('CSV: structures, names and every value come back exactly', async () => {
    const { records, problems } = await roundTrip('out.csv');
    expect(problems).toEqual([]);
    expect(records).toHaveLength(rows.length);
    records.forEach((r, i) => {
      expect(r.structure).toBe(rows[i].smiles);
      expect(r.name).toBe(rows[i].name?.trim() || null);
      // A CSV has one column set for all rows: columns of later rows missing from the first are not written.
      const columns = [...Object.keys(rows[0].props ?? {}), ...Object.keys(rows[0].userProps ?? {})];
      const expected = Object.fromEntries(columns.map((c) => [c, expectedValues(rows[i])[c] ?? null]));
      expect(r.userProps).toEqual(expected);
    });
  });

  it('CSV with explicit columns, gzipped: the tricky rows keep their values', async () => {
    const path = join(dir, 'tricky.csv.gz');
    const writer = createMoleculeWriter(path, { props: ['heavyAtoms'], userProps: ['note', 'batch', 'x'] });
    const tricky = rows.slice(-4, -1);
    for (const row of tricky) await writer.write(row);
    await writer.close();
    expect(gunzipSync(readFileSync(path)).toString()).toContain('"say ""hi"""');
    const { records, problems } = await collect(readMoleculeFile(path));
    expect(problems).toEqual([]);
    expect(records.map((r) => r.name)).toEqual(['ethanol, absolute', 'padded', null]);
    expect(records.map((r) => r.userProps)).toEqual(tricky.map((t) => ({ heavyAtoms: t.props!.heavyAtoms, ...t.userProps })));
  });

  it('SD: same molecules (canonical SMILES), names as titles, properties as data fields, 2D coordinates', async () => {
    const { path, records, problems } = await roundTrip('out.sdf');
    expect(problems).toEqual([]);
    expect(records).toHaveLength(rows.length);
    records.forEach((r, i) => {
      expect(canonical(r.structure)).toBe(canonical(rows[i].smiles));
      expect(r.name).toBe(rows[i].name?.trim() || null);
      const expected = Object.fromEntries(
        Object.entries(expectedValues(rows[i], [])).map(([k, v]) => [k, typeof v === 'string' ? v.trim() || null : v]),
      );
      // Text that looks like a number comes back as one (a data field has no type); "007" stays text.
      if (typeof expected.batch === 'string' && /^-?\d+(\.\d+)?$/.test(expected.batch) && !expected.batch.startsWith('0'))
        expected.batch = Number(expected.batch);
      expect(r.userProps).toEqual(expected);
    });
    const first = readFileSync(path, 'utf8').split('$$$$')[0];
    expect(first).toMatch(/V2000/);
    expect(first).toMatch(/[1-9]\.\d{4} +-?\d+\.\d{4}/); // not all-zero coordinates
  });

  it('SMILES: smiles<TAB>name lines read back the same', async () => {
    const { path, records, problems } = await roundTrip('out.smi');
    expect(problems).toEqual([]);
    expect(records.map((r) => r.structure)).toEqual(rows.map((r) => r.smiles));
    expect(records.map((r) => r.name)).toEqual(rows.map((r) => r.name?.trim() || null));
    expect(readFileSync(path, 'utf8').split('\n')[0]).toBe(`${rows[0].smiles}\t${rows[0].name}`);
  });

  it('SD refuses a structure RDKit cannot parse, and the file stays readable', async () => {
    const path = join(dir, 'refuse.sdf');
    const writer = createMoleculeWriter(path);
    expect(await writer.write({ smiles: 'C1CC', name: 'broken' })).toBe(false);
    expect(await writer.write({ smiles: 'CC', name: 'ethane' })).toBe(true);
    await writer.close();
    const { records, problems } = await collect(readMoleculeFile(path));
    expect(problems).toEqual([]);
    expect(records.map((r) => r.name)).toEqual(['ethane']);
  });

  it('quotes CSV cells only when needed', () => {
    expect([csvCell('a'), csvCell('a,b'), csvCell('q"'), csvCell(' x'), csvCell(null), csvCell(2.5), csvCell('a;b', ';')]).toEqual([
      'a', '"a,b"', '"q"""', '" x"', '', '2.5', '"a;b"',
    ]);
  });
});

describe('numbers in exported files', () => {
  it("are rounded to their column's precision (raw when asked), and the file's column names are kept", async () => {
    const row: WritableMolecule = {
      smiles: 'CCO',
      name: 'ethanol',
      props: { mol_wt: 46.06900000000001, qed: 0.4068079639359533, hbd: 1, clogp: -0.0014 },
      userProps: { 'Molecular Weight': 276.42400000000004, clogp: 1.25, pIC50: 7.1 },
    };
    const csv = join(dir, 'rounded.csv');
    const writer = createMoleculeWriter(csv, { props: ['mol_wt', 'qed', 'hbd', 'clogp'], userProps: ['Molecular Weight', 'clogp', 'pIC50'] });
    await writer.write(row);
    await writer.close();
    const [head, line] = readFileSync(csv, 'utf8').trim().split('\n');
    expect(head).toBe('smiles,name,mol_wt,qed,hbd,clogp_computed,Molecular Weight,clogp,pIC50');
    expect(line).toBe('CCO,ethanol,46.07,0.407,1,0,276.424,1.25,7.1');
    expect(line).not.toContain('00000');

    const sdf = join(dir, 'raw.sdf');
    const raw = createMoleculeWriter(sdf, { raw: true });
    await raw.write(row);
    await raw.close();
    const text = readFileSync(sdf, 'utf8');
    expect(text).toContain('> <Molecular Weight>\n276.42400000000004\n');
    expect(text).toContain('> <qed>\n0.4068079639359533\n');
    expect(text).toContain('> <clogp_computed>\n-0.0014\n');
  });
});
