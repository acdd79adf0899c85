// The train job ('models.train'): trainModel in the job process, its stages as job progress; a cancel stops
// training at a step boundary and still writes the bundle of the last checkpoint (resumable).
import type { z } from 'zod';
import { calls } from '../../api/contract.ts';
import type { JobRunner } from '../runner.ts';
import { JobCancelled } from '../runner.ts';
import { trainModel } from './train-model.ts';

/** The job takes what models.train takes (the handler resolves the paths); the sizes must be trainModel's. */
export const TrainJobArgs = calls['models.train'].args;
export type TrainJobArgs = z.infer<typeof TrainJobArgs>;

export const trainJob: JobRunner = async (ctx) => {
  const args = TrainJobArgs.parse(ctx.args);
  const r = await trainModel({ ...args, signal: ctx.signal, onProgress: (_stage, done, total, message) => ctx.progress(done, total, message) });
  if (ctx.signal.aborted) throw new JobCancelled();
  return r;
};
