// design.optimize through the core with a real workspace, a real job process and the shipped model: from a
// collection, the job runs to the end and its results are a generated collection; a request the optimizer
// cannot run is a 400 before any job starts.
import { afterEach, describe, expect, it } from 'vitest';
import type { CallName } from '../../api/contract.ts';
import { createCore } from '../../handlers/core.ts';
import { checkedCall, importSmiles } from '../../handlers/test-core.ts';
import type { LocalCore } from '../../handlers/types.ts';
import { tempDir } from '../../store/test-util.ts';

describe('design.optimize', () => {
  const tmp = tempDir('molscape-optimize-core-');
  let core: LocalCore | null = null;
  afterEach(async () => {
    await core?.close();
    core = null;
    tmp.remove();
  });
  const call = <N extends CallName>(name: N, args: unknown) => checkedCall(core!, name, args);

  it('optimizes every molecule of a collection in a job; the results are a generated collection', async () => {
    core = await createCore({ workspace: tmp.file('w.sqlite'), host: 'test' });
    const cid = await importSmiles(core, tmp.file('starts.smi'), ['CC(=O)Nc1ccc(O)cc1', 'Cc1ccc(cc1)S(N)(=O)=O'], false);
    const { jobId } = await call('design.optimize', { collectionId: cid, objectives: ['qed'], constraints: { similarity: 0.4 }, method: 'cmaes', budget: 32, randomSeed: 2 });
    const job = await core.whenJobFinished(jobId);
    expect(job).toMatchObject({ status: 'done', kind: 'optimize', total: 64, done: 64 });
    const result = job.result as { collectionId: number; starts: number; molecules: number };
    expect(result.starts).toBe(2);
    const generated = await call('collections.get', { id: result.collectionId });
    expect(generated).toMatchObject({ kind: 'generated', moleculeCount: result.molecules });
    expect(generated.userColumns).toContain('improvement');
    // each start was held exactly before the search began from it (or says what was held instead)
    const page = await call('collections.molecules', { collectionId: result.collectionId, offset: 0, limit: 10 });
    for (const row of page.rows) expect(String(row.userProps?.start_held)).toMatch(/^(held exactly \((mean|posterior|gradient)\)|not held)/);
  }, 180_000);

  it('a request it cannot run is a 400 and starts nothing', async () => {
    core = await createCore({ workspace: tmp.file('w.sqlite'), host: 'test' });
    await expect(call('design.optimize', { starts: ['CCO'], objectives: ['potency'] })).rejects.toMatchObject({ status: 400 });
    await expect(call('design.optimize', { starts: ['CCO'], objectives: ['qed'], constraints: { keep: ['C(('] } })).rejects.toMatchObject({ status: 400 });
    await expect(call('design.optimize', { objectives: ['qed'] })).rejects.toMatchObject({ status: 400 });
    expect(await call('jobs.list', {})).toEqual([]);
  }, 60_000);
});
