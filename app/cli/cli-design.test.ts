// The design commands as real processes on the shipped model: walk, interpolate and neighbours write a CSV
// that starts with smiles, then the properties and the provenance, and that the app's own CSV reader reads
// back (or a table without --out); with a workspace, "in workspace" is known; a seed the model cannot express is a clear message, exit 1.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROPERTY_KEYS } from '../../main/chem/properties.ts';
import { loadRDKit } from '../../main/chem/rdkit.ts';
import { canonicalSmiles } from '../../main/design/canonical.ts';
import { collect } from '../../main/files/collect.ts';
import { readMoleculeFile } from '../../main/files/read.ts';
import { cliRunner } from './test-support.ts';
import { DEFAULT_MODEL_NAME } from '../../main/design/model-path.ts';

const { tmp, molscape } = cliRunner('molscape-cli-design-');
const SEED = 'CC(=O)Nc1ccc(O)cc1';
const WORKSPACE_MOLS = [SEED, 'CC(=O)Nc1ccc(OC)cc1', 'CC(=O)Nc1ccc(Oc2ccccc2)cc1', 'CC(=O)Nc1ccccc1'];

beforeAll(async () => {
  await loadRDKit();
});
afterAll(() => tmp.remove());

async function readBack(file: string) {
  const text = fs.readFileSync(tmp.file(file), 'utf8');
  const header = text.split('\n')[0].split(',');
  const { records, problems } = await collect(readMoleculeFile(tmp.file(file)));
  return { header, records, problems, lines: text.trim().split('\n').length - 1 };
}

function expectColumns(header: string[]) {
  expect(header[0]).toBe('smiles');
  expect(header.slice(1, 1 + PROPERTY_KEYS.length)).toEqual([...PROPERTY_KEYS]);
  for (const c of ['similarity', 'in_training', 'in_workspace', 'operation', 'seed', 'parameters', 'model', 'model_sha256', 'random_seed', 'created_at']) expect(header).toContain(c);
  expect(header.indexOf('operation')).toBeGreaterThan(header.indexOf('similarity'));
}

describe('molscape walk / interpolate / neighbours', () => {
  it('walk --out writes one row per step, read back by the CSV reader, with provenance; in workspace known with -w', async () => {
    fs.writeFileSync(tmp.file('ws.smi'), WORKSPACE_MOLS.join('\n') + '\n');
    const imp = await molscape('import', 'ws.smi', '-w', 'ws.sqlite', '--no-properties');
    expect(imp.code).toBe(0);
    const r = await molscape('walk', SEED, '--direction', 'clogp+', '--steps', '3', '--step-size', '0.5', '--seed', '2', '-w', 'ws.sqlite', '--out', 'walk.csv');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/4 steps along clogp\+: \d valid/);
    const { header, records, problems, lines } = await readBack('walk.csv');
    expectColumns(header);
    expect(lines).toBe(4);
    // an invalid decode has an empty smiles: the reader reports it and keeps the rest
    expect(records.length + problems.length).toBe(4);
    const inWorkspace = new Set(WORKSPACE_MOLS.map((s) => canonicalSmiles(s)));
    for (const rec of records) {
      const u = rec.userProps;
      expect(canonicalSmiles(rec.structure)).toBe(rec.structure);
      expect(u).toMatchObject({ operation: 'walk', seed: canonicalSmiles(SEED), model: DEFAULT_MODEL_NAME, random_seed: 2 });
      expect(String(u.model_sha256)).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.parse(String(u.parameters)).offsets).toEqual(u.step === 0 ? [] : [{ direction: 'clogp+', amount: u.amount }]);
      expect(u.in_workspace).toBe(inWorkspace.has(rec.structure) ? 'true' : 'false');
      expect(typeof u.mol_wt).toBe('number');
    }
    const steps = records.map((rec) => Number(rec.userProps.step));
    expect(steps).toEqual([...steps].sort((x, y) => x - y));
  });

  it('interpolate --out: the repeats add up to the steps', async () => {
    const r = await molscape('interpolate', SEED, 'O=C(NCc1ccccc1)c1ccc2ccccc2n1', '--steps', '6', '--method', 'slerp', '--out', 'path.csv');
    expect(r.code, r.stderr).toBe(0);
    const { header, records, problems, lines } = await readBack('path.csv');
    expectColumns(header);
    expect(records.length + problems.length).toBe(lines);
    const text = fs.readFileSync(tmp.file('path.csv'), 'utf8').trim().split('\n');
    const repeats = header.indexOf('repeats');
    expect(text.slice(1).reduce((n, l) => n + Number(l.split(',').at(repeats - header.length)), 0)).toBe(6);
    for (const rec of records) expect(rec.userProps).toMatchObject({ operation: 'interpolate', in_workspace: null });
  });

  it('neighbours --out: unique molecules, most similar first, counts on stderr; the same seed gives the same molecules as a table', async () => {
    const [a, b] = [await molscape('neighbours', SEED, '--n', '30', '--radius', '0.6', '--seed', '5', '--out', 'nb.csv'), await molscape('neighbours', SEED, '-n', '30', '-r', '0.6', '--seed', '5')];
    expect([a.code, b.code]).toEqual([0, 0]);
    const m = /30 tries, (\d+) valid, (\d+) unique, (\d+) new/.exec(a.stderr);
    expect(m).not.toBeNull();
    expect(b.stderr).toContain(m![0]);
    const { header, records, problems } = await readBack('nb.csv');
    expectColumns(header);
    expect(problems).toEqual([]);
    expect(records).toHaveLength(Number(m![2]));
    expect(new Set(records.map((r) => r.structure)).size).toBe(records.length);
    const sims = records.map((r) => Number(r.userProps.similarity));
    expect(sims).toEqual([...sims].sort((x, y) => y - x));
    // without --out: a table (rank, smiles, sim, …), the same molecules in the same order
    const table = b.stdout.trim().split('\n');
    expect(table[0]).toMatch(/^rank\s+smiles\s+sim\s+clogp/);
    expect(table.slice(1).map((l) => l.split(/\s+/)[1])).toEqual(records.map((r) => r.structure));
  });

  it('a seed the model cannot express: the token named, exit 1', async () => {
    const bad = await molscape('neighbours', 'CC[Xe]', '--n', '5');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(new RegExp(`cannot be encoded by the model ${DEFAULT_MODEL_NAME}: the token '\\[Xe\\]'`));
  });
});
