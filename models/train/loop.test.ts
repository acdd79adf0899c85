// The training loop on a tiny reference VAE with real ZINC molecules: the loss falls; runs are reproducible;
// a checkpointed, paused and resumed run ends bit-identical to an uninterrupted one; cancellation stops between
// steps with a checkpoint; non-finite steps are skipped, reported and lower the rate; checkpoints are atomic
// and damaged ones are refused with a clear message.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCheckpoint, writeCheckpoint } from './checkpoint.ts';
import { StepCache, train } from './loop.ts';
import type { Progress, TrainModel, TrainOptions } from './loop.ts';
import { referenceVaeModel } from './reference-vae.ts';
import { schedule } from './schedule.ts';
import { encodeSmiles, readSmiles } from './smiles-data.ts';

const ZINC = path.resolve(import.meta.dirname, '../../../shared/data/zinc250k/train.smi.gz');
const data = encodeSmiles(readSmiles(ZINC, 160), 44);
const dims = { vocab: data.vocab.length, embedding: 8, encoderHidden: 16, latent: 4, decoderHidden: 32 };
const model = referenceVaeModel(dims, { klWeight: 0.1 });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'molscape-train-'));
// Sessions are shared by the runs of this file (same model and shapes); creating them is the slow part.
const cache = new StepCache();
afterAll(async () => {
  await cache.release();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const options = (over: Partial<TrainOptions<Int32Array>> = {}): TrainOptions<Int32Array> => ({
  data: () => data.sequences,
  batchSize: 32,
  epochs: 1,
  buckets: [30, 44],
  lr: schedule({ base: 3e-3 }),
  optimizer: { type: 'adam', clipNorm: 5 },
  seed: 42,
  cache,
  ...over,
});

const weights = (r: { state: { snapshot(): { params: Map<string, Float32Array> } } }) =>
  Buffer.concat([...r.state.snapshot().params.values()].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)));

describe('training loop', () => {
  it('trains the tiny reference VAE on ZINC and its loss falls', async () => {
    const seen: Progress[] = [];
    const res = await train(model, options({ epochs: 8, onProgress: (p) => seen.push(p) }));
    expect(res.status).toBe('done');
    expect(seen.length).toBe(res.step);
    const mean = (ps: Progress[]) => ps.reduce((s, p) => s + p.losses.ce, 0) / ps.length;
    const first = mean(seen.slice(0, 5)), last = mean(seen.slice(-5));
    expect(last).toBeLessThan(first - 0.5);
    const p = seen[seen.length - 1];
    expect(p.epoch).toBe(7);
    expect(p.losses.kl).toBeGreaterThanOrEqual(0);
    expect(p.moleculesPerSec).toBeGreaterThan(0);
    expect(p.etaSeconds).toBe(0);
    expect(seen[0].etaSeconds).toBeGreaterThan(0);
  });

  it('gives the same weights for the same seed and data, and resumes bit-exactly from a checkpoint', async () => {
    const straight = await train(model, options({ epochs: 2 }));
    const again = await train(model, options({ epochs: 2 }));
    expect(weights(again).equals(weights(straight))).toBe(true);

    const ck = path.join(tmp, 'resume.ckpt');
    const first = await train(model, options({ epochs: 2, maxSteps: 7, checkpoint: { path: ck, extra: { note: 'kept' } } }));
    expect(first.status).toBe('paused');
    expect(readCheckpoint(ck)).toMatchObject({ step: 7, updates: 7, extra: { note: 'kept' } });
    const resumed = await train(model, options({ epochs: 2, resume: true, checkpoint: { path: ck } }));
    expect(resumed.status).toBe('done');
    expect(resumed.step).toBe(straight.step);
    expect(weights(resumed).equals(weights(straight))).toBe(true);
    const other = await train(model, options({ epochs: 2, seed: 43 }));
    expect(weights(other).equals(weights(straight))).toBe(false);
  });

  it('stops between steps when cancelled, leaving a checkpoint to resume from', async () => {
    const ck = path.join(tmp, 'cancel.ckpt');
    const ac = new AbortController();
    const res = await train(model, options({ checkpoint: { path: ck }, signal: ac.signal, onProgress: (p) => p.step === 3 && ac.abort() }));
    expect(res.status).toBe('cancelled');
    expect(res.step).toBe(3);
    expect(readCheckpoint(ck).step).toBe(3);
    expect(fs.readdirSync(tmp).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('skips non-finite steps, lowers the rate and reports them; gives up after too many in a row', async () => {
    let calls = 0;
    const poisoned = (bad: (call: number) => boolean): TrainModel<Int32Array> => ({
      ...model,
      feeds: (ex, len, rng, upd) => {
        const f = model.feeds(ex, len, rng, upd);
        if (bad(++calls)) (f.eps.data as Float32Array).fill(NaN);
        return f;
      },
    });
    const seen: Progress[] = [];
    const res = await train(poisoned((c) => c === 2), options({ onProgress: (p) => seen.push(p) }));
    expect(res.nonFiniteSteps).toBe(1);
    expect(seen[1].applied).toBe(false);
    expect(seen[2].lr).toBeCloseTo(seen[0].lr * 0.5, 10);
    expect(seen.slice(2).every((p) => p.applied && Number.isFinite(p.losses.loss))).toBe(true);

    calls = 0;
    await expect(train(poisoned(() => true), options({ maxNonFinite: 2 }))).rejects.toThrow(/3 non-finite steps in a row at step 3/);
  });

  it('leaves out examples too long for every bucket or with bad token ids, saying which and why', async () => {
    const bad = Int32Array.from([1, 5, dims.vocab + 3, 2]);
    const res = await train(model, options({ buckets: [30], maxSteps: 1, data: () => [bad, ...data.sequences] }));
    const tooLong = data.sequences.filter((s) => s.length > 30).length;
    expect(tooLong).toBeGreaterThan(0);
    expect(res.skippedExamples).toBe(tooLong + 1);
    expect(res.skipped).toContainEqual({ index: 0, reason: `token id ${dims.vocab + 3} at position 2 is outside the vocabulary (size ${dims.vocab})` });
    expect(res.skipped.find((x) => x.index !== 0)?.reason).toMatch(/^length \d+ exceeds the largest bucket \(30\)$/);
  });

  it('refuses bad options with a clear message', async () => {
    await expect(train(model, options({ batchSize: 0 }))).rejects.toThrow(/batchSize must be a positive integer, got 0/);
    await expect(train(model, options({ buckets: [] }))).rejects.toThrow(/buckets must be integer lengths/);
  });

  it('refuses damaged checkpoints with the file and the reason', () => {
    const f = path.join(tmp, 'x.ckpt');
    writeCheckpoint(f, { step: 1, updates: 1, epoch: 0, batchInEpoch: 1, lrScale: 1, rng: [1, 2, 3, 4], params: new Map([['w', Float32Array.from([1, 2])]]), m: new Map(), v: new Map() });
    expect(readCheckpoint(f).params.get('w')).toEqual(Float32Array.from([1, 2]));
    fs.truncateSync(f, fs.statSync(f).size - 2);
    expect(() => readCheckpoint(f)).toThrow(new RegExp(`${f}: truncated at tensor params/w`));
    fs.writeFileSync(f, 'hello');
    expect(() => readCheckpoint(f)).toThrow(/not a Molscape checkpoint/);
  });
});
