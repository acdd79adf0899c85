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
  }, 60_000);

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
  }, 60_000);
});
