// What a job works on, as a lock key (issue 18, item 1): one live job per key in a workspace, whichever
// process runs it (the jobs table's partial unique index, migration 007). Two properties jobs on one
// collection would compute every molecule twice and race on its count; two encode or layout jobs for the same
// collection and model would write the same rows. Imports make their own new collection (no key); training
// and optimization write where their arguments say (no key here).
import { resolve } from 'node:path';
import type { Job } from '../api/contract.ts';

export function jobLockKey(kind: Job['kind'], args: unknown): string | null {
  const a = (typeof args === 'object' && args !== null ? args : {}) as Record<string, unknown>;
  const collection = typeof a.collectionId === 'number' ? a.collectionId : null;
  if (collection === null) return null;
  switch (kind) {
    case 'properties':
      return `properties ${collection}`;
    case 'encode':
      return typeof a.modelDir === 'string' ? `encode ${collection} ${resolve(a.modelDir)}` : null;
    case 'layout':
      return typeof a.modelSha256 === 'string' ? `layout ${collection} ${a.modelSha256}` : null;
    default:
      return null;
  }
}
