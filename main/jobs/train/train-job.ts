// The train job ('models.train'): trainModel in the job process, its stages as job progress; a cancel stops
// training at a step boundary and still writes the bundle of the last checkpoint (resumable).
import { z } from 'zod';
import type { JobRunner } from '../runner.ts';
import { JobCancelled } from '../runner.ts';
import { MODEL_SIZES, trainModel } from './train-model.ts';
import type { ModelSize } from './train-model.ts';

export const TrainJobArgs = z.object({
  data: z.string().min(1),
  valid: z.string().min(1).optional(),
  out: z.string().min(1),
  runDir: z.string().min(1).optional(),
  resume: z.boolean().default(false),
  epochs: z.number().int().positive().max(10_000).default(30),
  timeBudgetSeconds: z.number().positive().optional(),
  size: z.enum(Object.keys(MODEL_SIZES) as [ModelSize, ...ModelSize[]]).default('zinc'),
  propertyMolecules: z.number().int().nonnegative().optional(),
});
export type TrainJobArgs = z.infer<typeof TrainJobArgs>;

export const trainJob: JobRunner = async (ctx) => {
  const args = TrainJobArgs.parse(ctx.args);
  const r = await trainModel({ ...args, signal: ctx.signal, onProgress: (_stage, done, total, message) => ctx.progress(done, total, message) });
  if (ctx.signal.aborted) throw new JobCancelled();
  return r;
};
