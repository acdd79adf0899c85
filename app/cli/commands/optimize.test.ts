// molscape optimize as a real process on the shipped model: the CSV's columns and one row per input with
// --input (empty smiles and a note for a start that gives nothing), the same CSV for the same --seed, and
// usage errors (no objective, unknown objective, a bad SMARTS) exit 2.
import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { cliRunner } from '../test-support.ts';
import { DEFAULT_MODEL_NAME } from '../../../main/design/model-path.ts';

const { tmp, molscape } = cliRunner('molscape-cli-optimize-');
afterAll(() => tmp.remove());

const rowsOf = (file: string) => parse(fs.readFileSync(tmp.file(file), 'utf8'), { columns: true }) as Record<string, string>[];
const withoutTime = (rows: Record<string, string>[]) => rows.map(({ created_at: _, ...r }) => r);

describe('molscape optimize', () => {
  it('--input: one row per input, the objective values and the provenance; same seed, same CSV', async () => {
    fs.writeFileSync(tmp.file('in.smi'), 'CC(=O)Nc1ccc(O)cc1 paracetamol\nnot-a-smiles\nCOc1cc2c(cc1OC)CC([NH3+])C2\n');
    const args = ['optimize', '--input', 'in.smi', '--objective', 'plogp', '--objective', 'qed:weight=0.5', '--similarity', '0.4', '--budget', '48', '--method', 'cmaes', '--seed', '5'];
    const a = await molscape(...args, '--out', 'a.csv');
    expect(a.stderr).toMatch(/of 3 start molecules improved/);
    expect(a.code).toBe(0);
    const header = fs.readFileSync(tmp.file('a.csv'), 'utf8').split('\n')[0].split(',');
    expect(header.slice(0, 6)).toEqual(['input', 'smiles', 'similarity', 'improvement', 'plogp', 'qed']);
    for (const c of ['operation', 'seed', 'start_held', 'parameters', 'model', 'model_sha256', 'random_seed', 'created_at']) expect(header).toContain(c);
    const rows = rowsOf('a.csv');
    expect(rows.map((r) => r.input)).toEqual(['CC(=O)Nc1ccc(O)cc1', 'not-a-smiles', 'COc1cc2c(cc1OC)CC([NH3+])C2']);
    expect(rows[1].smiles).toBe('');
    expect(rows[1].note).toMatch(/RDKit/);
    const found = rows.filter((r) => r.smiles);
    expect(found.length).toBeGreaterThan(0);
    for (const r of found) {
      expect(Number(r.similarity)).toBeGreaterThanOrEqual(0.4);
      expect(r.operation).toBe('optimize');
      expect(r.start_held).toMatch(/^(held exactly \((mean|posterior|gradient)\)|not held)/);
      expect(JSON.parse(r.parameters)).toMatchObject({ method: 'cmaes', budget: 48, objectives: ['plogp:max', 'qed:max:weight=0.5'] });
      expect(r.model).toBe(DEFAULT_MODEL_NAME);
      expect(r.model_sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(rows.map((r) => r.random_seed)).toEqual(['5', '6', '7']);
    await molscape(...args, '--out', 'b.csv');
    expect(withoutTime(rowsOf('b.csv'))).toEqual(withoutTime(rows));
  }, 120_000);

  it('--train: a measured column becomes a surrogate objective, its cross-validated R² said', async () => {
    const esol = parse(fs.readFileSync(new URL('../../../../shared/data/samples/esol.csv', import.meta.url), 'utf8'), { columns: true }) as Record<string, string>[];
    fs.writeFileSync(tmp.file('train.csv'), 'smiles,logS\n' + esol.slice(0, 200).map((r) => `${r.smiles},${r['measured log solubility in mols per litre']}`).join('\n') + '\n');
    // no --method: a surrogate is not the head's, so cmaes
    const r = await molscape('optimize', 'CC(=O)Nc1ccc(O)cc1', '--objective', 'logS', '--train', 'train.csv', '--budget', '32', '--similarity', '0.3', '--out', 's.csv');
    expect(r.stderr).toMatch(/surrogate of logS: ridge on fingerprint of 200 molecules .*cross-validated R² 0\.\d+/);
    expect(r.code).toBe(0);
    const rows = rowsOf('s.csv');
    expect(Object.keys(rows[0]).slice(0, 5)).toEqual(['input', 'smiles', 'similarity', 'improvement', 'logS']);
    expect(Number(rows[0].logS)).toBeGreaterThan(Number(rows[0].seed_logS)); // the best beats the seed on the surrogate
    expect(JSON.parse(rows[0].parameters).method).toBe('cmaes');
    // the gradient method cannot follow a surrogate (the property head does not predict it)
    const g = await molscape('optimize', 'CC(=O)Nc1ccc(O)cc1', '--objective', 'logS', '--train', 'train.csv', '--budget', '8', '--method', 'gradient');
    expect(g.code).toBe(1);
    expect(g.stderr).toMatch(/use the cmaes method/);
  }, 120_000);

  it("-w: a collection's measured column (user:COLUMN) and your taste learned from the workspace", async () => {
    const esol = parse(fs.readFileSync(new URL('../../../../shared/data/samples/esol.csv', import.meta.url), 'utf8'), { columns: true }) as Record<string, string>[];
    fs.writeFileSync(tmp.file('esol.csv'), 'smiles,logS\n' + esol.slice(0, 120).map((r) => `${r.smiles},${r['measured log solubility in mols per litre']}`).join('\n') + '\n');
    expect((await molscape('import', 'esol.csv', '-w', 'ws.sqlite', '--no-properties')).code).toBe(0);
    const r = await molscape('optimize', 'CC(=O)Nc1ccc(O)cc1', '--objective', 'user:logS:max', '-w', 'ws.sqlite', '--surrogate-collection', '1', '--budget', '32', '--similarity', '0.3', '--out', 'u.csv');
    expect(r.stderr).toMatch(/surrogate of logS: ridge on fingerprint of 120 molecules, 5-fold cross-validated R² -?\d\.\d{3}/);
    expect(r.code).toBe(0);
    expect(Object.keys(rowsOf('u.csv')[0]).slice(0, 5)).toEqual(['input', 'smiles', 'similarity', 'improvement', 'user:logS']);
    // nothing rated in this workspace: taste says what it needs; without -w it says where it learns from
    const taste = await molscape('optimize', 'CC(=O)Nc1ccc(O)cc1', '--objective', 'taste', '-w', 'ws.sqlite', '--budget', '8');
    expect(taste.code).toBe(1);
    expect(taste.stderr).toMatch(/at least 10 rated candidates.*0 are rated/);
    const nowhere = await molscape('optimize', 'CC(=O)Nc1ccc(O)cc1', '--objective', 'taste', '--budget', '8');
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toMatch(/learned from a workspace: give -w/);
  }, 120_000);

  it('usage errors exit 2 with the reason', async () => {
    const none = await molscape('optimize', 'CCO');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/at least one --objective/);
    const unknown = await molscape('optimize', 'CCO', '--objective', 'potency');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown objective 'potency'/);
    const smarts = await molscape('optimize', 'CCO', '--objective', 'qed', '--keep', 'C((');
    expect(smarts.code).toBe(2);
    expect(smarts.stderr).toMatch(/not a SMARTS/);
  }, 60_000);
});
