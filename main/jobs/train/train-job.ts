// The train job ('models.train'): trainModel in the job process, its stages as job progress; a cancel stops
// training at a step boundary and still writes the bundle of the last checkpoint (resumable).
import { z } from 'zod';
import { calls } from '../../api/contract.ts';
import type { JobRunner } from '../runner.ts';
import { JobCancelled } from '../runner.ts';
import { trainModel } from './train-model.ts';

/**
 * The job takes what models.train takes, with the paths resolved by the handler (a collection comes as a file
 * in the run folder, with a label saying which collection); the sizes must be trainModel's.
 */
export const TrainJobArgs = calls['models.train'].args.extend({ dataLabel: z.string().max(500).optional() });
export type TrainJobArgs = z.infer<typeof TrainJobArgs>;

export const trainJob: JobRunner = async (ctx) => {
  const args = TrainJobArgs.parse(ctx.args);
  if (!args.out) throw new Error('train job: no output folder');
  const r = await trainModel({
    ...args, out: args.out, from: args.from, dataLabel: args.dataLabel,
    signal: ctx.signal, onProgress: (stage, done, total, message) => ctx.progress(done, total, `${stage}: ${message}`),
  });
  if (ctx.signal.aborted) throw new JobCancelled();
  return r;
};
