// Fine-tuning through the real core and job process: a tiny base model trained here, then fine-tuned on a
// workspace collection imported from a CSV whose molecules hold tokens the base model lacks ([Si], a salt to
// strip). Checks what the chemist sees: the model in models.list with its card (base model, added tokens,
// held-out figures before and after), the curves with held-out reconstruction, the active model used by calls
// that name none, rename and delete, a broken model listed with its reason and refused.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calls } from '../../api/contract.ts';
import { createCore } from '../../handlers/core.ts';
import type { LocalCore } from '../../handlers/types.ts';
import { tempDir } from '../../store/test-util.ts';
import { readSmilesFile } from '../../../models/vae/data.ts';
import { verifyBundle } from '../../../models/vae/bundle.ts';
import { klAnnealing, type KlSchedule } from '../../../models/vae/model.ts';
import { trainModel } from './train-model.ts';
import { moleculesOfFile, prepareTrainingData } from './prepare-data.ts';
import { DEFAULT_MODEL_NAME } from '../../design/model-path.ts';

const tmp = tempDir('molscape-fine-tune-');
let core: LocalCore;
const zinc = (f: string) => path.resolve(import.meta.dirname, '../../../../shared/data/zinc250k', f);
const models = () => tmp.file('models');

beforeAll(async () => {
  fs.writeFileSync(tmp.file('base.smi'), readSmilesFile(zinc('train.smi.gz'), 120).smiles.join('\n') + '\n');
  await trainModel({ data: tmp.file('base.smi'), out: tmp.file('base'), size: 'tiny', epochs: 2, holdout: 0 });
  // a series in a CSV: 40 ZINC molecules with a silyl group, two written as salts, plus one row RDKit refuses
  const rows = readSmilesFile(zinc('valid.smi.gz'), 40).smiles.map((s, i) => `${i % 2 ? `${s}.[Si](C)(C)(C)O` : `C[Si](C)(C)O${s.startsWith('[') ? 'C' : ''}${s}`},${i}`);
  rows[3] = `${rows[3].split(',')[0]}.Cl,3`;
  fs.writeFileSync(tmp.file('series.csv'), ['smiles,activity', ...rows, 'C1CC(,99'].join('\n') + '\n');
  core = await createCore({ workspace: tmp.file('ws.sqlite'), host: 'test', userModelsDir: models() });
}, 120_000);
afterAll(async () => {
  await core?.close();
  tmp.remove();
});

describe('KL weight', () => {
  it('holds a chosen KL weight through a fine-tune and records it in the manifest; left out, the base model\'s last weight', async () => {
    const kl = (dir: string) => (verifyBundle(dir).manifest.training.config as { kl: KlSchedule }).kl;
    await trainModel({ data: tmp.file('base.smi'), out: tmp.file('kl-chosen'), from: tmp.file('base'), size: 'tiny', epochs: 1, holdout: 0, klWeight: 0.25 });
    expect(kl(tmp.file('kl-chosen'))).toMatchObject({ from: 0.25, to: 0.25 });
    await trainModel({ data: tmp.file('base.smi'), out: tmp.file('kl-kept'), from: tmp.file('base'), size: 'tiny', epochs: 1, holdout: 0 });
    const base = verifyBundle(tmp.file('base')).manifest.training;
    const last = klAnnealing((base.config as { kl: KlSchedule }).kl)(base.steps);
    expect(kl(tmp.file('kl-kept'))).toMatchObject({ from: last, to: last });
    expect(last).not.toBe(0.25);
  }, 120_000);
});

describe('learning rate', () => {
  it('starts a fine-tune at a chosen rate and decays it to a chosen floor, recorded in the manifest; left out, 3e-4 decaying to 1e-4', async () => {
    const lr = (dir: string) => verifyBundle(dir).manifest.training.config as { lr: { base: number; min: number } };
    await trainModel({ data: tmp.file('base.smi'), out: tmp.file('lr-chosen'), from: tmp.file('base'), size: 'tiny', epochs: 1, holdout: 0, lr: 5e-5, lrMin: 2e-5 });
    expect(lr(tmp.file('lr-chosen')).lr).toMatchObject({ base: 5e-5, min: 2e-5 });
    // the first curve point's rate is the chosen start (warm-up and decay below it), not the default 3e-4
    const first = verifyBundle(tmp.file('lr-chosen')).manifest.training.curves[0] as { lr: number };
    expect(first.lr).toBeLessThanOrEqual(5e-5);
    expect(first.lr).toBeGreaterThan(0);
    expect(lr(tmp.file('kl-kept')).lr).toMatchObject({ base: 3e-4, min: 1e-4 });
  }, 120_000);
});

describe('replay data', () => {
  it('refuses, before any work, a replay file that is not the base model\'s data or is not there, and replays the right one', async () => {
    await expect(trainModel({ data: tmp.file('base.smi'), out: tmp.file('replay-wrong'), from: tmp.file('base'), size: 'tiny', epochs: 1, holdout: 0, replayData: tmp.file('series.csv') }))
      .rejects.toThrow(/series\.csv is not the data base was trained on \(base\.smi, sha256 [0-9a-f]{12}…\)/);
    await expect(trainModel({ data: tmp.file('base.smi'), out: tmp.file('replay-missing'), from: tmp.file('base'), size: 'tiny', epochs: 1, holdout: 0, replayData: tmp.file('gone.smi') }))
      .rejects.toThrow(/There is no file .*gone\.smi \(the replay data\)/);
    await expect(trainModel({ data: tmp.file('base.smi'), out: tmp.file('replay-fresh'), size: 'tiny', epochs: 1, holdout: 0, replayData: tmp.file('base.smi') }))
      .rejects.toThrow(/replay data is for fine-tuning/);
    for (const d of ['replay-wrong', 'replay-missing', 'replay-fresh']) expect(fs.existsSync(tmp.file(d)) || fs.existsSync(tmp.file(`${d}.run`))).toBe(false);
    // the base model's own file under another name is taken, and the manifest says so
    fs.copyFileSync(tmp.file('base.smi'), tmp.file('base-copy.smi'));
    const r = await trainModel({ data: tmp.file('series.csv'), out: tmp.file('replay-right'), from: tmp.file('base'), size: 'tiny', epochs: 1, holdout: 0, replay: 0.3, replayData: tmp.file('base-copy.smi') });
    expect(r.replay).toEqual({ file: tmp.file('base-copy.smi'), share: 0.3 });
    expect(r.replayNote).toBeNull();
    expect((verifyBundle(tmp.file('replay-right')).manifest as unknown as { base: { replay: { file: string; share: number } } }).base.replay).toMatchObject({ file: 'base-copy.smi', share: 0.3 });
  }, 120_000);
});

describe('prepared data', () => {
  it('standardizes, collapses duplicates, says what it left out and where, and holds out the same molecules for the same seed', async () => {
    const src = await moleculesOfFile(tmp.file('series.csv'));
    expect(src.problems.length + src.records).toBeGreaterThan(40);
    const bad = [...src.problems.map((p) => p.where)];
    expect(bad.some((w) => w.startsWith('series.csv:'))).toBe(true);
    const input = { label: 'series.csv', sha256: 'x', ...src };
    const a = prepareTrainingData(input, { runDir: tmp.file('prep-a'), holdout: 0.25, seed: 3, maxTokens: 100 });
    const shuffled = { ...input, molecules: [...src.molecules].reverse() };
    prepareTrainingData(shuffled, { runDir: tmp.file('prep-b'), holdout: 0.25, seed: 3, maxTokens: 100 });
    const held = (d: string) => fs.readFileSync(path.join(d, 'holdout.smi'), 'utf8').split('\n').filter(Boolean).sort();
    expect(a.holdout).toBe(Math.round(a.molecules * 0.25));
    expect(held(tmp.file('prep-a'))).toEqual(held(tmp.file('prep-b')));
    expect(a.fragmentsStripped).toBeGreaterThan(0);
    const c = prepareTrainingData(input, { runDir: tmp.file('prep-c'), holdout: 0.25, seed: 4, maxTokens: 100 });
    expect(held(tmp.file('prep-c'))).not.toEqual(held(tmp.file('prep-a')));
    expect(c.molecules).toBe(a.molecules);
    const short = prepareTrainingData(input, { runDir: tmp.file('prep-d'), holdout: 0, seed: 3, maxTokens: 30 });
    expect(short.problems.some((p) => /longer than the model takes/.test(p.reason))).toBe(true);
  });

  it('refuses a file with no molecule, naming the file', async () => {
    fs.writeFileSync(tmp.file('nothing.csv'), 'name,activity\nfoo,1\nbar,2\n');
    await expect(trainModel({ data: tmp.file('nothing.csv'), out: tmp.file('never'), size: 'tiny', epochs: 1 })).rejects.toThrow(/nothing\.csv holds no molecule/);
    expect(fs.existsSync(tmp.file('never'))).toBe(false);
  });

  it('never replaces a folder Molscape did not make', async () => {
    fs.mkdirSync(tmp.file('mine'));
    fs.writeFileSync(tmp.file('mine/notes.txt'), 'my notes');
    await expect(trainModel({ data: tmp.file('base.smi'), out: tmp.file('mine'), size: 'tiny', epochs: 1 })).rejects.toThrow(/is not a Molscape model bundle/);
    await expect(trainModel({ data: tmp.file('base.smi'), out: tmp.file('elsewhere'), runDir: tmp.file('mine'), size: 'tiny', epochs: 1 })).rejects.toThrow(/not a Molscape training run/);
    expect(fs.readFileSync(tmp.file('mine/notes.txt'), 'utf8')).toBe('my notes');
    await expect(trainModel({ data: tmp.file('base.smi'), out: tmp.file('base'), size: 'tiny', epochs: 1 })).rejects.toThrow(/already holds a training run: pass --resume/);
  });
});

describe('fine-tuning a model on a collection', () => {
  it('extends the vocabulary, measures the held-out molecules before and after, and the model is listed, used, renamed and deleted', async () => {
    const imp = await core.handlers['collections.import'](calls['collections.import'].args.parse({ source: { kind: 'path', path: tmp.file('series.csv') }, name: 'silyl series' }));
    const job = await core.whenJobFinished(imp.jobId);
    expect(job.status).toBe('done');
    const collectionId = (job.result as { collectionId: number }).collectionId;

    const doc = await core.handlers['models.doctor'](calls['models.doctor'].args.parse({ collectionId, model: tmp.file('base') }));
    expect(doc.outOfVocabulary?.tokens.map((t) => t.token)).toContain('[Si]');

    const { jobId } = await core.handlers['models.train'](calls['models.train'].args.parse({ collectionId, name: 'silyl', from: tmp.file('base'), holdout: 0.2, epochs: 3, size: 'tiny' }));
    const done = await core.whenJobFinished(jobId);
    expect(done.error).toBeNull();
    expect(done.status).toBe('done');

    const dir = path.join(models(), 'silyl');
    const { manifest } = verifyBundle(dir);
    expect(manifest.base?.name).toBe('base');
    expect(manifest.base?.addedTokens.map((t) => t.token)).toContain('[Si]');
    expect(manifest.training.data.file).toBe('collection "silyl series" (40 molecules)');

    const list = await core.handlers['models.list']({});
    const m = list.find((x) => x.name === 'silyl')!;
    expect(m).toMatchObject({ source: 'user', problem: null, active: false });
    expect(m.card?.baseModel?.name).toBe('base');
    expect(m.card?.addedTokens).toContain('[Si]');
    expect(m.card?.holdout?.after.molecules).toBe(8);
    expect(m.card?.holdout?.before?.exact).toBe(0); // the base model cannot even read [Si]
    expect(list.find((x) => x.isDefault)?.active).toBe(true);

    const curves = await core.handlers['models.curves']({ jobId });
    expect(curves.points.length).toBeGreaterThan(0);
    expect(curves.points.at(-1)?.holdout?.molecules).toBe(8);
    expect(curves.before?.exact).toBe(0);
    expect(curves.resumable).toBe(false);

    // the active model serves every call that names none
    const silyl = 'C[Si](C)(C)Oc1ccccc1';
    await expect(core.handlers['latent.encode'](calls['latent.encode'].args.parse({ smiles: [silyl] }))).resolves.toMatchObject({ problems: [expect.objectContaining({ token: '[Si]' })] });
    await core.handlers['models.setActive']({ name: 'silyl' });
    const enc = await core.handlers['latent.encode'](calls['latent.encode'].args.parse({ smiles: [silyl] }));
    expect(enc.problems).toEqual([]);
    expect(enc.latent).toBe(manifest.architecture.latent);

    await core.handlers['models.rename']({ name: 'silyl', newName: 'silyl v2' });
    expect((await core.handlers['models.list']({})).find((x) => x.active)?.name).toBe('silyl v2');
    await expect(core.handlers['models.rename']({ name: 'zinc250k', newName: 'mine' })).rejects.toThrow(/shipped with the app/);
    expect((await core.handlers['models.delete']({ name: 'silyl v2' })).deleted).toBe(true);
    expect(fs.existsSync(path.join(models(), 'silyl v2'))).toBe(false);
    expect(fs.existsSync(path.join(models(), 'silyl v2.run'))).toBe(false);
    expect((await core.handlers['models.list']({})).find((x) => x.active)?.name).toBe(DEFAULT_MODEL_NAME);
  }, 180_000);

  it('lists a broken model with its reason and will not make it active', async () => {
    const broken = path.join(models(), 'broken');
    fs.cpSync(tmp.file('base'), broken, { recursive: true });
    fs.writeFileSync(path.join(broken, 'decoder_step.onnx'), 'not a graph');
    const m = (await core.handlers['models.list']({})).find((x) => x.name === 'broken')!;
    expect(m.problem).toMatch(/decoder_step\.onnx/);
    expect(m.card).toBeNull();
    await expect(core.handlers['models.setActive']({ name: 'broken' })).rejects.toThrow(/cannot be used/);
  });
});
