// Which code runs a job of each kind inside the job process.
import type { Job } from '../../api/contract.ts';
import type { JobRunner } from '../runner.ts';
import { testJob } from './test-job.ts';
import { encodeJob } from '../encode/encode-job.ts';
import { layoutJob } from '../layout/layout-job.ts';
import { importJob } from '../import/import-job.ts';
import { propertiesJob } from '../properties/properties-job.ts';
import { trainJob } from '../train/train-job.ts';
import { optimizeJob } from '../../design/optimize/optimize-job.ts';

export const runners: Partial<Record<Job['kind'], JobRunner>> = {
  test: testJob,
  import: importJob,
  properties: propertiesJob,
  train: trainJob,
  encode: encodeJob,
  layout: layoutJob,
  optimize: optimizeJob,
};
