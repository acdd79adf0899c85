// models.train through the real core: a job process computes the property table with main/chem, trains a
// tiny VAE and writes a bundle that loads and verifies; a second start without resume is refused.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calls } from '../../api/contract.ts';
import { createCore } from '../../handlers/core.ts';
import type { LocalCore } from '../../handlers/types.ts';
import { tempDir } from '../../store/test-util.ts';
import { readSmilesFile } from '../../../models/vae/data.ts';
import { loadBundle, verifyBundle } from '../../../models/vae/bundle.ts';
import { canonicalSmiles } from '../../design/canonical.ts';
import { loadRDKit } from '../../chem/rdkit.ts';

const tmp = tempDir('molscape-train-job-');
let core: LocalCore;
const zinc = (f: string) => path.resolve(import.meta.dirname, '../../../../shared/data/zinc250k', f);

beforeAll(async () => {
  fs.writeFileSync(tmp.file('train.smi'), readSmilesFile(zinc('train.smi.gz'), 120).smiles.join('\n') + '\n');
  fs.writeFileSync(tmp.file('valid.smi'), readSmilesFile(zinc('valid.smi.gz'), 30).smiles.join('\n') + '\n');
  core = await createCore({ workspace: tmp.file('ws.sqlite'), host: 'test' });
  await loadRDKit();
});
afterAll(async () => {
  await core?.close();
  tmp.remove();
});

describe('models.train', () => {
  it('trains a tiny model in a job and writes a verified bundle; the run folder holds the property table', async () => {
    const args = calls['models.train'].args.parse({ data: tmp.file('train.smi'), valid: tmp.file('valid.smi'), out: tmp.file('tiny'), size: 'tiny', epochs: 2 });
    const { jobId } = await core.handlers['models.train'](args);
    const job = await core.whenJobFinished(jobId);
    expect(job.error).toBeNull();
    expect(job.status).toBe('done');
    const { manifest } = verifyBundle(tmp.file('tiny'));
    expect(manifest.training.steps).toBeGreaterThan(0);
    expect(manifest.propertyNormalization?.names).toEqual(['clogp', 'qed', 'sa']);
    const table = fs.readFileSync(path.join(tmp.file('tiny.run'), 'properties.tsv'), 'utf8').trim().split('\n');
    expect(table[0]).toBe('smiles\tclogp\tqed\tsa');
    // the bundle holds the checkpoint with the lowest validation loss, which the run folder names
    const best = JSON.parse(fs.readFileSync(path.join(tmp.file('tiny.run'), 'best.json'), 'utf8')) as { step: number; validCe: number };
    expect(manifest.training.steps).toBe(best.step);
    const curves = fs.readFileSync(path.join(tmp.file('tiny.run'), 'curves.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { valid: { ce: number } });
    expect(best.validCe).toBeCloseTo(Math.min(...curves.map((c) => c.valid.ce)), 6);
    expect(table).toHaveLength(1 + 120 + 30);
    // the training molecules are indexed by their RDKit canonical SMILES ("is a designed molecule new?")
    const bundle = await loadBundle(tmp.file('tiny'));
    await bundle.runtime.release();
    // exactly the molecules trained on: not the validation part that chose the checkpoint, nor the held-out ones
    const trained = readSmilesFile(path.join(tmp.file('tiny.run'), 'train.smi')).smiles;
    const validation = readSmilesFile(path.join(tmp.file('tiny.run'), 'valid.smi')).smiles;
    expect(trained.length + validation.length).toBe(120);
    expect(bundle.trainingSet?.size).toBe(trained.length);
    expect(bundle.trainingSet?.has(canonicalSmiles(trained[0])!)).toBe(true);
    expect(bundle.trainingSet?.has(canonicalSmiles(validation[0])!)).toBe(false);
    expect(bundle.trainingSet?.has('CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC')).toBe(false);

    // a second start over it is refused before a job starts, and the bundle is left as it was
    await expect(core.handlers['models.train'](args)).rejects.toThrow(/already a model at/);
    expect(verifyBundle(tmp.file('tiny')).manifest.training.steps).toBe(manifest.training.steps);
  });

  it('a missing data file is refused before a job starts', async () => {
    await expect(core.handlers['models.train'](calls['models.train'].args.parse({ data: tmp.file('nope.smi'), out: tmp.file('x') }))).rejects.toThrow(/There is no file/);
  });

  it('a cancelled training run keeps its bundle even when other jobs get a short grace before their process is killed', async () => {
    const quick = await createCore({ workspace: tmp.file('ws-cancel.sqlite'), host: 'test', cancelGraceMs: 1 });
    try {
      const args = calls['models.train'].args.parse({ data: tmp.file('train.smi'), out: tmp.file('cancelled'), size: 'tiny', epochs: 1000 });
      const { jobId } = await quick.handlers['models.train'](args);
      // cancel once training is under way
      await new Promise<void>((resolve) => {
        const off = quick.onEvent((event, payload) => {
          if (event === 'job.progress' && (payload as { jobId: number; message: string | null }).jobId === jobId && /^training:/.test((payload as { message: string | null }).message ?? '')) {
            off();
            resolve();
          }
        });
      });
      await quick.handlers['jobs.cancel']({ id: jobId });
      const job = await quick.whenJobFinished(jobId);
      expect(job.status).toBe('cancelled');
      expect(verifyBundle(tmp.file('cancelled')).manifest.training.steps).toBeGreaterThan(0);
      const curves = await quick.handlers['models.curves']({ jobId });
      expect(curves.resumable).toBe(true);
    } finally {
      await quick.close();
    }
  }, 180_000);
});
