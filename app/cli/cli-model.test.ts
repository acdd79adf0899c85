// The model commands run as real processes on the shipped model: encode → decode, sample (order, seed,
// empty lines for invalid decodes), reconstruct, doctor and evaluate, and bad input reported, never a crash.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRDKit } from '../../main/chem/rdkit.ts';
import { canonicalSmiles } from '../../main/design/canonical.ts';
import { defaultModelDir } from '../../main/design/model-path.ts';
import { CARD_FILES, MODEL_CARD_FILE, REPORT_CARD_FILE } from '../../main/design/report-card-files.ts';
import { cliRunner } from './test-support.ts';

const { tmp, molscape } = cliRunner('molscape-cli-model-');
const MOLS = ['CCOC(=O)c1ccccc1 ester', 'C[Xe]C xenon', 'c1ccc2[nH]ccc2c1 indole', 'CC(C)Cc1ccc(C(C)C(=O)O)cc1 ibuprofen', 'CCO', 'CCO dup'];

beforeAll(async () => {
  await loadRDKit();
  fs.writeFileSync(tmp.file('in.smi'), MOLS.join('\n') + '\n');
});
afterAll(() => tmp.remove());

const csv = (file: string) => fs.readFileSync(tmp.file(file), 'utf8').trim().split('\n').map((l) => l.split(','));

describe('molscape model commands', () => {
  it('encode writes name, smiles, z0..zN for the molecules it can encode and names the line of the others', async () => {
    const r = await molscape('encode', 'in.smi', '--out', 'z.csv');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/in\.smi:2 \(xenon\): the token '\[Xe\]' at position 2 is not in the model's vocabulary/);
    const rows = csv('z.csv');
    expect(rows[0].slice(0, 3)).toEqual(['name', 'smiles', 'z0']);
    expect(rows.slice(1).map((r) => r[0])).toEqual(['ester', 'indole', 'ibuprofen', 'line 5', 'dup']);
    const L = rows[0].length - 2;
    for (const r of rows.slice(1)) expect(r.slice(2).every((v) => Number.isFinite(Number(v)))).toBe(true);
    // same molecule, same mean
    expect(rows[4].slice(2)).toEqual(rows[5].slice(2));
    expect(L).toBeGreaterThan(1);

    const d = await molscape('decode', 'z.csv', '--out', 'dec.csv');
    expect(d.code).toBe(0);
    const dec = csv('dec.csv');
    expect(dec[0]).toEqual(['name', 'smiles', 'raw', 'valid']);
    expect(dec.slice(1).map((r) => r[0])).toEqual(['ester', 'indole', 'ibuprofen', 'line 5', 'dup']);
    for (const r of dec.slice(1)) expect(r[3]).toBe(String(r[1] !== '' && canonicalSmiles(r[1]) === r[1]));
  });

  it('encode and reconstruct give the model RDKit\'s canonical SMILES, so a molecule written two ways is one point', async () => {
    fs.writeFileSync(tmp.file('two-ways.smi'), 'c1ccccc1C(=O)OCC as-written\nCCOC(=O)c1ccccc1 canonical\n');
    expect((await molscape('encode', 'two-ways.smi', '--out', 'two.csv')).code).toBe(0);
    const rows = csv('two.csv');
    expect(rows[1][1]).toBe('c1ccccc1C(=O)OCC'); // the file's text is kept in the output
    expect(rows[1].slice(2)).toEqual(rows[2].slice(2));
    expect((await molscape('reconstruct', 'two-ways.smi', '--out', 'two-rec.csv')).code).toBe(0);
    const rec = csv('two-rec.csv');
    expect(rec[1][2]).toBe(rec[2][2]);
  });

  it('decode reports a row with a bad number and decodes the rest', async () => {
    const rows = csv('z.csv');
    rows[2][3] = 'oops';
    fs.writeFileSync(tmp.file('bad-z.csv'), rows.map((r) => r.join(',')).join('\n') + '\n');
    const d = await molscape('decode', 'bad-z.csv', '--out', 'dec2.csv', '--strategy', 'valid-first');
    expect(d.code).toBe(0);
    expect(d.stderr).toMatch(/bad-z\.csv:3: z1 is "oops", not a number/);
    const dec = csv('dec2.csv');
    expect(dec).toHaveLength(6);
    expect(dec[2][1]).toBe('');
  });

  it('sample writes one line per draw in order, the same for the same seed; --valid-only keeps the valid ones', async () => {
    const a = await molscape('sample', '--n', '24', '--seed', '7', '--out', 'a.smi');
    const b = await molscape('sample', '--n', '24', '--seed', '7', '--out', 'b.smi');
    const v = await molscape('sample', '--n', '24', '--seed', '7', '--valid-only', '--out', 'v.smi');
    expect([a.code, b.code, v.code]).toEqual([0, 0, 0]);
    const la = fs.readFileSync(tmp.file('a.smi'), 'utf8').split('\n').slice(0, -1);
    expect(la).toHaveLength(24);
    expect(fs.readFileSync(tmp.file('b.smi'), 'utf8')).toBe(fs.readFileSync(tmp.file('a.smi'), 'utf8'));
    for (const s of la) if (s) expect(canonicalSmiles(s)).toBe(s);
    const lv = fs.readFileSync(tmp.file('v.smi'), 'utf8').split('\n').filter(Boolean);
    expect(lv).toEqual(la.filter(Boolean));
  });

  it('reconstruct reports exact = canonical SMILES equal, and why a molecule was not encoded', async () => {
    const r = await molscape('reconstruct', 'in.smi', '--out', 'rec.csv');
    expect(r.code).toBe(0);
    const rows = csv('rec.csv');
    expect(rows[0]).toEqual(['name', 'input', 'decoded', 'exact', 'problem']);
    expect(rows).toHaveLength(MOLS.length + 1);
    for (const row of rows.slice(1)) {
      if (row[0] === 'xenon') expect(row[4]).toMatch(/\[Xe\]/);
      else expect(row[3]).toBe(String(canonicalSmiles(row[1]) === row[2]));
    }
  });

  it('reconstruct decodes the mean by beam search when asked, with its width, in the same report', async () => {
    const widths = [1, 3];
    const reports: string[][][] = [];
    for (const w of widths) {
      const r = await molscape('reconstruct', 'in.smi', '--strategy', 'beam', '--beam-width', String(w), '--out', `rec-beam${w}.csv`);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/\d+ of \d+ reconstructed exactly/);
      reports.push(csv(`rec-beam${w}.csv`));
    }
    const greedy = csv('rec.csv');
    for (const rows of reports) {
      expect(rows[0]).toEqual(greedy[0]);
      expect(rows.map((r) => r[1])).toEqual(greedy.map((r) => r[1]));
      for (const row of rows.slice(1)) if (row[0] !== 'xenon') expect(row[3]).toBe(String(canonicalSmiles(row[1]) === row[2]));
    }
    // a beam of one is greedy with RDKit's reading preferred: where greedy's decode is valid, the same decode
    for (const [g, b] of greedy.slice(1).map((row, i) => [row, reports[0][i + 1]])) if (g[0] !== 'xenon' && !g[4]) expect(b[2]).toBe(g[2]);
    expect((await molscape('reconstruct', 'in.smi', '--strategy', 'beam', '--beam-width', 'wide', '--out', 'x.csv')).code).not.toBe(0);
  });

  it('doctor lists the unknown token, the duplicate and the line of each', async () => {
    const r = await molscape('doctor', 'in.smi', '--json');
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep.outOfVocabulary.examples[0]).toMatchObject({ line: 2, token: '[Xe]' });
    expect(rep.duplicates.examples[0]).toMatchObject({ line: 6, firstLine: 5 });
    const text = await molscape('doctor', 'in.smi');
    expect(text.stdout).toMatch(/training estimate: .* h for 30 epochs/);
  });

  it('evaluate writes the metrics', async () => {
    fs.writeFileSync(tmp.file('train.smi'), 'CCO\nc1ccccc1\n');
    const r = await molscape('evaluate', '--test', 'in.smi', '--train', 'train.smi', '--n', '20', '--out', 'm.json');
    expect(r.code).toBe(0);
    const m = JSON.parse(fs.readFileSync(tmp.file('m.json'), 'utf8'));
    expect(m.reconstruction.molecules).toBe(5);
    expect(m.reconstruction.notEncodable).toBe(1);
    expect(m.prior.samples).toBe(20);
    for (const k of ['validity', 'uniqueness', 'novelty']) expect(m.prior[k]).toBeGreaterThanOrEqual(0);
    expect(Object.keys(m.wasserstein1)).toEqual(['MW', 'logP', 'QED', 'SA']);
    expect(m.activeUnits.of).toBeGreaterThan(0);
  });

  it('evaluate --report-card --save-card puts the card beside the bundle, and models shows it', async () => {
    // a copy of the shipped bundle as a user model, without the shipped card
    const dir = tmp.file('user-models/carded');
    fs.cpSync(defaultModelDir(), dir, { recursive: true });
    for (const f of CARD_FILES) fs.rmSync(path.join(dir, f), { force: true });
    const manifest = fs.readFileSync(path.join(dir, 'manifest.json'));
    fs.writeFileSync(tmp.file('train.smi'), 'CCO\nc1ccccc1\n');
    const r = await molscape('evaluate', '--model', 'carded', '--report-card', '--draws', '20', '--test', 'in.smi', '--train', 'train.smi', '--out', 'card.json', '--save-card', '--data-note', 'Trained on a test set (CC0); cite it.');
    expect(r.code).toBe(0);
    const card = JSON.parse(fs.readFileSync(path.join(dir, REPORT_CARD_FILE), 'utf8'));
    expect(card).toEqual(JSON.parse(fs.readFileSync(tmp.file('card.json'), 'utf8')));
    // the card names the manifest it measured, and the manifest is as it was
    expect(fs.readFileSync(path.join(dir, 'manifest.json')).equals(manifest)).toBe(true);
    expect(card.model.sha256).toBe(createHash('sha256').update(manifest).digest('hex'));
    expect(card.draws.map((d: { strategy: string; frag: number }) => [d.strategy, typeof d.frag])).toEqual([['greedy', 'number'], ['greedy-masked', 'number'], ['valid-first', 'number']]);
    const markdown = fs.readFileSync(path.join(dir, MODEL_CARD_FILE), 'utf8');
    expect(markdown).toMatch(/\| Frag to test \| \d\.\d{3} \| \d\.\d{3} \| \d\.\d{3} \|/);
    expect(markdown).toContain('\n## Training data\n\nTrained on a test set (CC0); cite it.\n');
    const listed = await molscape('models');
    expect(listed.stdout).toMatch(/carded\tuser\t.*report card \(20 draws\): exact \d+\.\d %, validity greedy \d+\.\d % \/ masked \d+\.\d % \/ valid-first/);
  });

  it('a missing input file is a clear error', async () => {
    const r = await molscape('encode', 'missing.smi', '--out', 'z.csv');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/There is no file missing\.smi/);
  });

  it('a model that is not there is a usage error naming the models there are; a folder that is no bundle says why', async () => {
    const r = await molscape('sample', '--model', 'nowhere', '--n', '2');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/There is no model named 'nowhere'\. Models: .*zinc250k/);
    fs.mkdirSync(tmp.file('empty-folder'), { recursive: true });
    const e = await molscape('sample', '--model', 'empty-folder', '--n', '2');
    expect(e.code).toBe(1);
    expect(e.stderr).toMatch(/model bundle .*empty-folder: manifest\.json is missing/);
  });
});
