// The SD file reader on the shared sample and on V3000, truncated and malformed records.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRDKit, withMol } from '../chem/rdkit.ts';
import { collect } from './collect.ts';
import { readMoleculeFile } from './read.ts';

const SAMPLES = join(import.meta.dirname, '../../../shared/data/samples');
const dir = mkdtempSync(join(tmpdir(), 'molscape-sdf-'));
const write = (name: string, content: string): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const read = (path: string) => collect(readMoleculeFile(path));
// Without stereo: the SMILES data field of the NCI file does not carry the double-bond geometry of its 2D molblock.
const canonical = (s: string) => withMol(s, (m) => m.get_smiles(JSON.stringify({ doIsomericSmiles: false })));

beforeAll(async () => {
  await loadRDKit();
});

describe('SD files', () => {
  const path = join(SAMPLES, 'nci-200.props.sdf');
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  // First line of every record: line 1 and the line after each $$$$ (except the last).
  const starts = [1, ...lines.flatMap((l, i) => (l === '$$$$' && i + 1 < lines.length - 1 ? [i + 2] : []))];

  it('reads the NCI sample: 200 records at their exact first lines, data fields typed, molblocks RDKit parses', async () => {
    const { records, problems } = await read(path);
    expect(problems).toEqual([]);
    expect(records).toHaveLength(starts.length);
    expect(records.map((r) => r.line)).toEqual(starts);
    for (const r of records) {
      expect(r.format).toBe('molblock');
      // The file carries its own SMILES as a data field: the molblock must be the same molecule.
      expect(canonical(r.structure)).toBe(canonical(String(r.userProps.SMILES)));
    }
    expect(typeof records[0].userProps.AMW).toBe('number');
    expect(records[0].userProps.AMW).toBe(122.12344);
    expect(records[0].userProps.CP).toBe('0.727;-0P;4.71');
  });

  it('reads V3000 records, titles as names, and a last record without $$$$', async () => {
    const v3 = withMol('CC(=O)Nc1ccc(O)cc1', (m) => m.get_v3Kmolblock())!.replace(/^[^\n]*/, 'paracetamol');
    const v2 = withMol('c1ccccc1', (m) => m.get_molblock())!.replace(/^[^\n]*/, 'benzene');
    const file = `${v3}> <pIC50>\n6.5\n\n$$$$\n${v2}> <note>\nline one\nline two\n\n`;
    const { records, problems } = await read(write('v3.sdf', file));
    expect(problems).toEqual([]);
    expect(records.map((r) => [r.name, r.line, canonical(r.structure)])).toEqual([
      ['paracetamol', 1, canonical('CC(=O)Nc1ccc(O)cc1')],
      ['benzene', v3.split('\n').length + 4, canonical('c1ccccc1')],
    ]);
    expect(records[0].userProps).toEqual({ pIC50: 6.5 });
    expect(records[1].userProps).toEqual({ note: 'line one\nline two' });
  });

  it('reports truncated, malformed and empty records at their first line and keeps the good ones', async () => {
    const good = (name: string) => withMol('CCO', (m) => m.get_molblock())!.replace(/^[^\n]*/, name);
    const noEnd = good('cut').split('\n').slice(0, 6).join('\n');
    const badAtom = good('bad').replace(/\n(\s+-?\d+\.\d+)/, '\nxx$1');
    const file = [good('one'), '$$$$', noEnd, '$$$$', badAtom, '$$$$', '$$$$', good('two'), '$$$$', good('three').slice(0, 60)].join('\n');
    const lineOf = (needle: string) => file.split('\n').indexOf(needle) + 1;
    const { records, problems } = await read(write('bad.sdf', file));
    expect(records.map((r) => r.name)).toEqual(['one', 'two']);
    expect(records.map((r) => r.record)).toEqual([1, 5]);
    expect(problems.map((p) => [p.line, p.record])).toEqual([
      [lineOf('cut'), 2],
      [lineOf('bad'), 3],
      // a molblock ends in a newline, so joined with \n it leaves a blank line before the $$$$
      [lineOf('bad') + good('bad').split('\n').length + 1, 4],
      [lineOf('two') + good('two').split('\n').length + 1, 6],
    ]);
    expect(problems[0].reason).toMatch(/truncated record: no 'M {2}END'/);
    expect(problems[1].reason).toMatch(/malformed molblock: not an atom line/);
    expect(problems[2].reason).toMatch(/empty record/);
    expect(problems[3].reason).toMatch(/file ends inside it/);
  });
});
