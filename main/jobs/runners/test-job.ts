// A job that does nothing but count, used to test the job machinery with a real process: progress,
// cancellation (cooperative, or ignored so the manager must kill), a thrown error and a hard crash.
import { z } from 'zod';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobRunner } from '../runner.ts';
import { throwIfCancelled } from '../runner.ts';

export const TestJobArgs = z.object({
  steps: z.number().int().nonnegative().default(10),
  stepMs: z.number().nonnegative().default(10),
  /** throw this message after the steps */
  failWith: z.string().optional(),
  /** exit the process with this code after the steps, without a word */
  exitCode: z.number().int().optional(),
  /** keep going when cancelled (the manager then kills the process after its grace period) */
  ignoreCancel: z.boolean().default(false),
});

export const testJob: JobRunner = async (ctx) => {
  const args = TestJobArgs.parse(ctx.args);
  for (let i = 1; i <= args.steps; i++) {
    await sleep(args.stepMs);
    if (!args.ignoreCancel) throwIfCancelled(ctx.signal);
    ctx.progress(i, args.steps, `step ${i}, pid ${process.pid}`);
  }
  if (args.exitCode !== undefined) process.exit(args.exitCode);
  if (args.failWith) throw new Error(args.failWith);
  return { steps: args.steps, pid: process.pid };
};
