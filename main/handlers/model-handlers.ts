// The contract's model-management calls: the models the app can use (shipped and trained), the workspace's
// active model, rename and delete of trained models, the dataset doctor on a file or a collection, training or
// fine-tuning as a job (from a file or a collection, into the user's models folder), and a train job's curves.
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { Handlers, Job, ModelInfo, TrainCurvePoint } from '../api/contract.ts';
import { verifyBundle } from '../../models/vae/bundle.ts';
import { readCurves, runFiles } from '../../models/vae/train.ts';
import { Vocabulary } from '../../models/vae/tokenizer.ts';
import { loadRDKit } from '../chem/rdkit.ts';
import { doctor } from '../design/doctor.ts';
import type { InputMolecule } from '../design/molecule-input.ts';
import type { ModelRegistry } from '../design/model-registry.ts';
import { DEFAULT_MODEL_NAME } from '../design/model-path.ts';
import { inputMoleculesOfFile } from '../jobs/train/prepare-data.ts';
import { COLLECTION_FILE } from '../jobs/train/train-model.ts';
import { TrainJobArgs } from '../jobs/train/train-job.ts';
import { jobArgs } from '../store/jobs.ts';
import { getSetting, setSetting } from '../store/settings.ts';
import { badRequest, requireCollection, requireJob } from './errors.ts';

type ModelCalls = 'models.list' | 'models.setActive' | 'models.rename' | 'models.delete' | 'models.doctor' | 'models.train' | 'models.curves';

export const ACTIVE_MODEL = 'activeModel';

/** The workspace's active model name, or the shipped default (also when the chosen one is gone or broken). */
export function activeModelName(db: Database.Database, registry: ModelRegistry): string {
  const name = getSetting<string>(db, ACTIVE_MODEL);
  if (!name) return DEFAULT_MODEL_NAME;
  try {
    const info = registry.info(name, name);
    return info.problem ? DEFAULT_MODEL_NAME : name;
  } catch {
    return DEFAULT_MODEL_NAME;
  }
}

/** A collection's molecules as the doctor and the trainer read them (stored SMILES, name, row as the line). */
function collectionMolecules(db: Database.Database, collectionId: number): InputMolecule[] {
  const rows = db.prepare('SELECT canonical_smiles AS smiles, name, position FROM molecules WHERE collection_id = ? ORDER BY position').all(collectionId) as { smiles: string; name: string | null; position: number }[];
  return rows.map((r) => ({ smiles: r.smiles, name: r.name ?? `row ${r.position}`, line: r.position }));
}

const orBadRequest = <T>(f: () => T): T => {
  try {
    return f();
  } catch (e) {
    throw badRequest((e as Error).message);
  }
};

export function modelHandlers(o: {
  db: Database.Database;
  registry: ModelRegistry;
  startJob: (kind: Job['kind'], title: string, args: unknown) => number;
  /** drops a loaded model (before its folder is renamed or deleted) */
  forget: (dir: string) => Promise<void>;
  /** the active model changed: cached maps and seeds of the old one no longer apply */
  onActiveChanged?: () => void;
}): Pick<Handlers, ModelCalls> {
  const { db, registry } = o;
  const active = () => activeModelName(db, registry);
  const setActive = (name: string | undefined) => {
    setSetting(db, ACTIVE_MODEL, name && name !== DEFAULT_MODEL_NAME ? name : undefined);
    o.onActiveChanged?.();
  };

  return {
    'models.list': async () => registry.list(active()),
    'models.setActive': async ({ name }) => {
      const info: ModelInfo = orBadRequest(() => registry.info(name));
      if (info.problem) throw badRequest(`${name} cannot be used: ${info.problem}`);
      setActive(name);
      return { ...info, active: true };
    },
    'models.rename': async ({ name, newName }) => {
      const dir = orBadRequest(() => registry.info(name)).dir;
      await o.forget(dir);
      orBadRequest(() => registry.rename(name, newName));
      if (getSetting<string>(db, ACTIVE_MODEL) === name) setActive(newName);
      return registry.info(newName, active());
    },
    'models.delete': async ({ name }) => {
      const info = registry.list(active()).find((m) => m.name === name);
      if (!info) return { deleted: false };
      await o.forget(info.dir);
      orBadRequest(() => registry.delete(name));
      if (getSetting<string>(db, ACTIVE_MODEL) === name) setActive(undefined);
      return { deleted: true };
    },
    'models.doctor': async ({ path: file, collectionId, model: ref, epochs }) => {
      if (!file === !collectionId) throw badRequest('give either a file or a collection to check');
      await loadRDKit();
      const { manifest } = orBadRequest(() => verifyBundle(registry.resolve(ref ?? active())));
      let molecules: InputMolecule[];
      if (collectionId) {
        requireCollection(db, collectionId);
        molecules = collectionMolecules(db, collectionId);
      } else molecules = await inputMoleculesOfFile(file!).catch((e: Error) => {
        throw badRequest(e.message);
      });
      return doctor(molecules, { vocabulary: Vocabulary.fromJSON(manifest.vocabulary), modelName: manifest.name, maxLength: manifest.architecture.maxLength, epochs });
    },
    'models.train': async (args) => {
      if (!args.data === !args.collectionId) throw badRequest('give either a file (data) or a collection to train on');
      if (!args.name === !args.out) throw badRequest('give either a name for the new model or an output folder');
      if (args.data && !fs.existsSync(args.data)) throw badRequest(`There is no file ${args.data}.`);
      if (args.valid && !fs.existsSync(args.valid)) throw badRequest(`There is no file ${args.valid}.`);
      const out = args.name ? orBadRequest(() => registry.newModelDir(args.name!)) : path.resolve(args.out!);
      if (!args.resume && fs.existsSync(out)) throw badRequest(`there is already a model at ${out}: choose another name`);
      const from = args.from ? orBadRequest(() => registry.resolve(args.from)) : undefined;
      let data = args.data ? path.resolve(args.data) : undefined;
      let dataLabel: string | undefined;
      const runDir = args.runDir ? path.resolve(args.runDir) : `${out}.run`;
      if (args.collectionId && !args.resume) {
        // the collection's molecules, as a file in the run folder the job reads (job arguments stay small)
        const c = requireCollection(db, args.collectionId);
        if (fs.existsSync(runFiles(runDir).run)) throw badRequest(`${runDir} already holds a training run: resume it or choose another name`);
        const molecules = collectionMolecules(db, args.collectionId);
        if (molecules.length === 0) throw badRequest(`collection ${c.name} holds no molecules`);
        fs.mkdirSync(runDir, { recursive: true });
        data = path.join(runDir, COLLECTION_FILE);
        fs.writeFileSync(data, molecules.map((m) => m.smiles).join('\n') + '\n');
        dataLabel = `collection "${c.name}" (${c.moleculeCount} molecules)`;
      } else if (args.collectionId) {
        data = path.join(runDir, COLLECTION_FILE);
        dataLabel = `collection ${args.collectionId}`;
      }
      const job = TrainJobArgs.parse({ ...args, data, collectionId: undefined, name: args.name, out, from, runDir, valid: args.valid && path.resolve(args.valid), dataLabel });
      return { jobId: o.startJob('train', `${from ? 'Fine-tune' : 'Train'} ${args.name ?? path.basename(out)}`, job) };
    },
    'models.curves': async ({ jobId }) => {
      const job = requireJob(db, jobId);
      if (job.kind !== 'train') throw badRequest(`job ${jobId} is not a training job`);
      const a = TrainJobArgs.safeParse(jobArgs(db, jobId));
      if (!a.success || !a.data.out) throw badRequest(`job ${jobId} has no training run`);
      const runDir = a.data.runDir ?? `${a.data.out}.run`;
      const points: TrainCurvePoint[] = readCurves(runDir).map((c) => ({
        step: c.step, epoch: c.epoch, seconds: c.seconds, train: c.train, valid: c.valid ?? null,
        holdout: c.holdout && typeof c.holdout.exact === 'number' ? { molecules: c.holdout.molecules ?? 0, exact: c.holdout.exact, valid: c.holdout.valid ?? 0 } : null,
      }));
      const beforeFile = path.join(runDir, 'before.json');
      const before = fs.existsSync(beforeFile) ? JSON.parse(fs.readFileSync(beforeFile, 'utf8')) : null;
      // stopped early (cancel, a crash, the time budget) with a checkpoint to go on from
      const finishedEarly = job.status !== 'done' || (job.result as { status?: string } | null)?.status !== 'done';
      const resumable = job.status !== 'running' && job.status !== 'queued' && finishedEarly && fs.existsSync(runFiles(runDir).checkpoint);
      return { name: a.data.name ?? path.basename(a.data.out), points, before, resumable };
    },
  };
}
