// What the core's integration tests share: a call validated by the contract first (as every host makes it),
// a SMILES list imported into a collection (its properties job waited for), and molecules to do it with.
import { writeFileSync } from 'node:fs';
import { expect } from 'vitest';
import { readSmilesFile } from '../../models/vae/data.ts';
import type { CallName, CallResult } from '../api/contract.ts';
import { checkCall } from '../api/validate.ts';
import type { Core, LocalCore } from './types.ts';

/** The first n molecules of the ZINC validation split (../shared). */
export const zincValid = (n: number): string[] => readSmilesFile(new URL('../../../shared/data/zinc250k/valid.smi.gz', import.meta.url).pathname, n).smiles;

/** silicon: not a token of the shipped model's vocabulary */
export const UNENCODABLE = 'C[Si](C)(C)Oc1ccccc1';

export async function checkedCall<N extends CallName>(core: Core, name: N, args: unknown): Promise<CallResult<N>> {
  const checked = checkCall(name, args);
  if (!checked.ok) throw new Error(checked.message);
  return (core.handlers[checked.name] as (a: unknown) => Promise<CallResult<N>>)(checked.args);
}

/** Imports `smiles` (named m1, m2, …) from a .smi written to `file`; resolves with the collection's id. */
export async function importSmiles(core: LocalCore, file: string, smiles: string[], properties = true): Promise<number> {
  writeFileSync(file, smiles.map((s, i) => `${s} m${i + 1}`).join('\n') + '\n');
  const { jobId } = await checkedCall(core, 'collections.import', { source: { kind: 'path', path: file }, properties });
  const job = await core.whenJobFinished(jobId);
  expect(job.status).toBe('done');
  const { collectionId, propertiesJobId } = job.result as { collectionId: number; propertiesJobId?: number };
  if (propertiesJobId) expect((await core.whenJobFinished(propertiesJobId)).status).toBe('done');
  return collectionId;
}
