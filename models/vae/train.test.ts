import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../train/checkpoint.ts';
import { greedyDecode } from '../runtime/decode.ts';
import { loadBundle } from './bundle.ts';
import { readSmilesFile } from './data.ts';
import { bundleFromRun } from './finish.ts';
import { readCurves, runFiles, trainVae } from './train.ts';
import type { VaeTrainConfig } from './train.ts';

const VALID = new URL('../../../shared/data/zinc250k/valid.smi.gz', import.meta.url).pathname;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vae-train-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function config(props?: string): VaeTrainConfig {
  return {
    data: VALID, valid: VALID, properties: props, validLimit: 40, limit: 96,
    model: { embedding: 8, encoderHidden: 16, latent: 4, decoderHidden: 24, propertyHidden: 8, freeBits: 0.05 },
    batchSize: 16, buckets: [80], epochs: 50, lr: { base: 3e-3 }, kl: { to: 0.01, length: 10 }, propWeight: 1,
    clipNorm: 5, seed: 3, threads: 1, chunkSteps: 3,
  };
}

describe('trainVae', () => {
  it('trains in chunks with curves, resumes where it stopped, and keeps run settings', async () => {
    const dir = path.join(tmp, 'run');
    // A property table for part of the data: the others train with the property masked.
    const { smiles } = readSmilesFile(VALID, 48);
    const table = path.join(tmp, 'props.tsv');
    fs.writeFileSync(table, ['smiles\tlen\tring', ...smiles.map((s) => `${s}\t${s.length}\t${(s.match(/\d/g) ?? []).length}`)].join('\n'));

    const first = await trainVae(dir, config(table), { maxSteps: 6 });
    expect(first.step).toBe(6);
    expect(first.run.model.properties).toEqual(['len', 'ring']);
    expect(first.run.normalization?.std.every((s) => s > 0)).toBe(true);
    expect(first.curves.map((c) => c.step)).toEqual([3, 6]);
    expect(first.curves[1].valid?.ce).toBeGreaterThan(0);
    expect(first.curves[1].train.prop).toBeGreaterThan(0);
    expect(readCheckpoint(runFiles(dir).checkpoint).step).toBe(6);

    // Resume with other sizes asked for: the run keeps its own and continues from step 6.
    const other = config(table);
    other.model = { ...other.model, decoderHidden: 99 };
    const second = await trainVae(dir, other, { maxSteps: 9 });
    expect(second.step).toBe(9);
    expect(second.run.model.decoderHidden).toBe(24);
    expect(readCurves(dir).map((c) => c.step)).toEqual([3, 6, 9]);
    expect(second.weights.get('dec.W')?.length).toBe(3 * 24 * (8 + 4));

    // Finishing: the run becomes a bundle that loads and decodes.
    const manifest = await bundleFromRun(dir, path.join(tmp, 'bundle'), { name: 'small', version: '1.0.0', statsMolecules: 60, evalMolecules: 20, threads: 1 });
    expect(manifest.training.steps).toBe(9);
    expect(manifest.training.curves).toHaveLength(3);
    expect(manifest.training.data.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.propertyNormalization?.names).toEqual(['len', 'ring']);
    expect(manifest.metrics).toHaveProperty('priorSyntaxValidGreedy');
    const b = await loadBundle(path.join(tmp, 'bundle'));
    expect(b.latentStats.count).toBe(60);
    const out = await greedyDecode(b.runtime, Float32Array.from(b.latentStats.mean), 1);
    expect(out).toHaveLength(1);
    await b.runtime.release();
  }, 30_000);

  it('stops on the time budget with a resumable checkpoint', async () => {
    const dir = path.join(tmp, 'budget');
    const res = await trainVae(dir, config(), { timeBudgetSeconds: 0 });
    expect(res.status).toBe('paused'); // the budget spent is a pause, not a cancel
    expect(fs.existsSync(runFiles(dir).checkpoint)).toBe(true);
    expect(res.run.normalization).toBeNull();
  }, 30_000);
});
