// molscape train as a real process on 120 ZINC molecules (tiny network): a bundle the other commands use,
// refusal to overwrite a run, Ctrl-C stopping with a checkpoint and a bundle (exit 130), and --resume going on.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSmilesFile } from '../../models/vae/data.ts';
import { verifyBundle } from '../../models/vae/bundle.ts';
import { cliRunner } from './test-support.ts';
import { DEFAULT_MODEL_NAME } from '../../main/design/model-path.ts';

const { tmp, molscape } = cliRunner('molscape-cli-train-');
const zinc = (f: string) => path.resolve(import.meta.dirname, '../../../shared/data/zinc250k', f);
const steps = () => verifyBundle(tmp.file('m')).manifest.training.steps;

beforeAll(() => {
  fs.writeFileSync(tmp.file('train.smi'), readSmilesFile(zinc('train.smi.gz'), 120).smiles.join('\n') + '\n');
});
afterAll(() => tmp.remove());

describe('molscape train', () => {
  it('trains, writes a bundle that sample can use, and will not start over an existing run', async () => {
    const r = await molscape('train', '--data', 'train.smi', '--out', 'm', '--size', 'tiny', '--epochs', '2');
    expect(r.stderr).toMatch(/done at step \d+/);
    expect(r.code).toBe(0);
    expect(steps()).toBeGreaterThan(0);
    const s = await molscape('sample', '--model', 'm', '--n', '5', '--seed', '1');
    expect(s.code).toBe(0);
    expect(s.stdout.split('\n')).toHaveLength(6);
    const again = await molscape('train', '--data', 'train.smi', '--out', 'm', '--size', 'tiny');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already holds a training run: pass --resume/);
  }, 180_000);

  it('Ctrl-C stops with a checkpoint and a bundle (exit 130); --resume goes on from it', async () => {
    const before = steps();
    const bin = fileURLToPath(new URL('./bin.mjs', import.meta.url));
    const child = spawn(process.execPath, [bin, 'train', '--data', 'train.smi', '--out', 'm', '--size', 'tiny', '--epochs', '1000', '--resume'], { cwd: tmp.dir });
    let stderr = '';
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (d) => {
        stderr += d;
        // interrupt once training is under way (a checkpoint newer than the first run's comes with the stop)
        if (/training: /.test(stderr) && !child.killed) setTimeout(() => child.kill('SIGINT'), 1500);
      });
      child.on('close', resolve);
    });
    expect(stderr).toMatch(/Interrupted: stopping/);
    expect(code).toBe(130);
    const stopped = steps();
    expect(stopped).toBeGreaterThan(before);
    const r = await molscape('train', '--data', 'train.smi', '--out', 'm', '--resume', '--epochs', '3');
    expect(r.code).toBe(0);
    expect(steps()).toBeGreaterThanOrEqual(stopped);
  }, 180_000);

  it('fine-tunes a model (--from) on a CSV into the user models folder: new tokens, held-out figures before/after, listed by molscape models, usable as --model NAME', async () => {
    const rows = readSmilesFile(zinc('valid.smi.gz'), 30).smiles.map((s, i) => `cpd-${i},C[Si](C)(C)O${s.startsWith('[') ? 'C' : ''}${s},${i / 10}`);
    fs.writeFileSync(tmp.file('series.csv'), ['id,smiles,pIC50', ...rows].join('\n') + '\n');
    const r = await molscape('train', '--from', 'm', '--data', 'series.csv', '--name', 'silyl', '--epochs', '2', '--holdout', '0.2');
    expect(r.stderr).toMatch(/vocabulary extended by \d+ tokens: .*\[Si\]/);
    expect(r.stderr).toMatch(/held-out exact reconstruction: [\d.]+ % before → [\d.]+ % after \(6 molecules\)/);
    expect(r.code).toBe(0);
    expect(fs.existsSync(tmp.file('user-models/silyl/manifest.json'))).toBe(true);
    const list = await molscape('models');
    expect(list.stdout).toMatch(new RegExp(`^${DEFAULT_MODEL_NAME}\tshipped \\(default\\)`, 'm'));
    expect(list.stdout).toMatch(/^zinc250k\tshipped\t/m);
    expect(list.stdout).toMatch(/^silyl\tuser\ttrained on series\.csv \(\d+ molecules\); from m; vocabulary \d+ \(\+1\);/m);
    const s = await molscape('sample', '--model', 'silyl', '--n', '3', '--seed', '2');
    expect(s.code).toBe(0);
    expect(s.stderr).toMatch(/3 draws from the prior \(seed 2, valid-first\)/);
  }, 120_000);

  it('says what is wrong with the data or the folders, and what to pass', async () => {
    fs.writeFileSync(tmp.file('no-smiles.csv'), 'name,pIC50\nfoo,5\nbar,6\n');
    const a = await molscape('train', '--data', 'no-smiles.csv', '--out', 'never', '--size', 'tiny');
    expect(a.code).toBe(1);
    expect(a.stderr).toMatch(/no-smiles\.csv holds no molecule that can be read \(\d+ problems, first: no-smiles\.csv:\d+: .*SMILES/i);
    fs.writeFileSync(tmp.file('junk.smi'), 'not_a_molecule\nC1CC(\n');
    const b = await molscape('train', '--data', 'junk.smi', '--out', 'never2', '--size', 'tiny');
    expect(b.code).toBe(1);
    expect(b.stderr).toMatch(/junk\.smi holds no molecule/);
    fs.mkdirSync(tmp.file('leftovers.run'), { recursive: true });
    fs.writeFileSync(tmp.file('leftovers.run/properties.tsv'), 'smiles\tclogp\n');
    const c = await molscape('train', '--data', 'train.smi', '--out', 'leftovers', '--size', 'tiny');
    expect(c.code).toBe(1);
    expect(c.stderr).toMatch(/leftovers\.run exists and holds files that are not a Molscape training run \(a failed run's leftovers\?\)/);
    const e = await molscape('train', '--data', 'train.smi', '--out', 'never3', '--size', 'tiny', '--lr', '0');
    expect(e.code).not.toBe(0);
    expect(e.stderr).toMatch(/expected a learning rate above 0 and at most 1, such as 1e-4, got '0'/);
    const d = await molscape('train', '--data', 'train.smi', '--size', 'tiny');
    expect(d.code).toBe(1);
    expect(d.stderr).toMatch(/give either --name NAME .* or --out FOLDER/);
  }, 180_000);
});
