// latent.unreadable with a real workspace, a real encode job and the shipped model: which molecules of a
// collection the model cannot read, and why, in file order.
import { afterEach, describe, expect, it } from 'vitest';
import type { CallName } from '../api/contract.ts';
import { tempDir } from '../store/test-util.ts';
import { createCore } from './core.ts';
import { UNENCODABLE, checkedCall, importSmiles, zincValid } from './test-core.ts';
import type { LocalCore } from './types.ts';

describe('latent.unreadable', () => {
  const tmp = tempDir();
  let core: LocalCore | null = null;
  afterEach(async () => {
    await core?.close();
    core = null;
    tmp.remove();
  });
  const call = <N extends CallName>(name: N, args: unknown) => checkedCall(core!, name, args);

  it('lists the molecules the model cannot read with the reason, once the collection is encoded for it', async () => {
    core = await createCore({ workspace: tmp.file('w.sqlite'), host: 'test' });
    // a silyl ether and a boronic acid (tokens the vocabulary lacks) among ZINC molecules the model reads
    const boronic = 'OB(O)c1ccccc1';
    const smiles = [...zincValid(4), UNENCODABLE, ...zincValid(6).slice(4), boronic];
    const cid = await importSmiles(core, tmp.file('set.smi'), smiles, false);
    expect(await call('latent.unreadable', { collectionId: cid })).toEqual({ total: 0, rows: [] });

    const { jobId } = await call('latent.encodeCollection', { collectionId: cid });
    expect((await core.whenJobFinished(jobId)).status).toBe('done');
    const r = await call('latent.unreadable', { collectionId: cid });
    expect(r.total).toBe(2);
    expect(r.rows.map((x) => [x.position, x.name, x.smiles])).toEqual([
      [smiles.indexOf(UNENCODABLE) + 1, `m${smiles.indexOf(UNENCODABLE) + 1}`, UNENCODABLE],
      [smiles.length, `m${smiles.length}`, boronic],
    ]);
    expect(r.rows[0].reason).toMatch(/the token '\[Si\]' at position \d+ is not in the model's vocabulary/);
    expect(r.rows[1].reason).toMatch(/the token 'B' at position \d+ is not in the model's vocabulary/);
    // a window of the list
    expect((await call('latent.unreadable', { collectionId: cid, offset: 1, limit: 1 })).rows.map((x) => x.smiles)).toEqual([boronic]);
    await expect(call('latent.unreadable', { collectionId: 9999 })).rejects.toMatchObject({ status: 404 });
  }, 120_000);
});
