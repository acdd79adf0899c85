// The learned objectives through the core as hosts call it (the contract's schemas first), with the real
// workspace file, RDKit and the shipped model: design.surrogates offers a collection's measured columns and the
// taste learned from star ratings, with their fits; design.check values molecules by them; design.optimize
// refuses at once (a 400 that says what is missing) rather than failing in its job; rating more candidates
// through candidates.update changes what the taste predicts.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallName, Provenance } from '../../api/contract.ts';
import { createCore } from '../../handlers/core.ts';
import { checkedCall, importSmiles } from '../../handlers/test-core.ts';
import type { LocalCore } from '../../handlers/types.ts';
import { tempDir } from '../../store/test-util.ts';
import { writeFileSync } from 'node:fs';

const LIKED = ['NS(=O)(=O)c1ccc(Cl)cc1', 'NS(=O)(=O)c1ccc(F)cc1', 'NS(=O)(=O)c1ccc(Br)cc1', 'COc1ccc(cc1)S(N)(=O)=O', 'NS(=O)(=O)c1ccccc1', 'CCc1ccc(cc1)S(N)(=O)=O'];
const DISLIKED = ['CCCCCCCCO', 'CCCCCCCCCO', 'CCCCCCCCCCO', 'CCCCCCCO', 'CC(C)CCCCCO', 'CCCCCCC(C)O'];
const manual: Provenance = { operation: 'manual', seed: null, params: {}, model: null, modelSha256: null, randomSeed: null, createdAt: '2026-12-06T10:00:00.000Z' };

describe('learned objectives through the core', () => {
  const tmp = tempDir('molscape-surrogates-core-');
  let core: LocalCore;
  beforeEach(async () => {
    core = await createCore({ workspace: tmp.file('w.sqlite'), host: 'test' });
  });
  afterEach(async () => {
    await core.close();
    tmp.remove();
  });
  const call = <N extends CallName>(name: N, args: unknown) => checkedCall(core, name, args);

  it('taste: offered with the number rated, refused below ten, learned from ratings and followed by design.check', async () => {
    // five rated: not enough yet, and design.optimize says so at once
    const kept = [];
    for (const s of [...LIKED, ...DISLIKED]) kept.push(await call('candidates.keep', { listName: 'Ideas', smiles: s, provenance: manual }));
    for (const k of kept.slice(0, 5)) await call('candidates.update', { moleculeId: k.molecule.id, rating: 5 });
    let offered = await call('design.surrogates', { fit: ['taste'] });
    expect(offered.rated).toBe(5);
    expect(offered.fits[0].problem).toMatch(/at least 10 rated candidates/);
    await expect(call('design.optimize', { starts: ['CC(=O)Nc1ccc(O)cc1'], objectives: ['taste'], budget: 16 })).rejects.toMatchObject({ status: 400 });

    // rate the rest: liked 5, disliked 1
    for (const [i, k] of kept.entries()) await call('candidates.update', { moleculeId: k.molecule.id, rating: i < LIKED.length ? 5 : 1 });
    offered = await call('design.surrogates', { fit: ['taste'] });
    expect(offered.rated).toBe(12);
    expect(offered.fits[0]).toMatchObject({ name: 'taste', molecules: 12, problem: null });
    const checked = await call('design.check', { seed: 'CCCCCCCCCCCO', smiles: ['NS(=O)(=O)c1ccc(I)cc1'], objectives: ['taste'], constraints: {} });
    expect(checked.problem).toBeNull();
    expect(checked.surrogates[0].name).toBe('taste');
    expect(checked.molecules[0].values[0]!).toBeGreaterThan(checked.seed!.values[0]! + 1);
    const { jobId } = await call('design.optimize', { starts: ['CC(=O)Nc1ccc(O)cc1'], objectives: ['taste', 'qed'], method: 'cmaes', budget: 16 });
    expect((await core.whenJobFinished(jobId)).status).toBe('done');
  }, 180_000);

  it("a collection's measured column is offered by name and learned; a column of the wrong collection is not", async () => {
    const smiles = ['c1ccccc1', 'Clc1ccccc1', 'Clc1ccc(Cl)cc1', 'Clc1cc(Cl)cc(Cl)c1', 'Brc1ccccc1', 'Brc1ccc(Br)cc1', 'Fc1ccccc1', 'Fc1ccc(F)cc1', 'Cc1ccccc1', 'Cc1ccc(Cl)cc1', 'Cc1ccc(Br)cc1', 'Ic1ccccc1'];
    const csv = tmp.file('assay.csv');
    writeFileSync(csv, 'smiles,name,pIC50\n' + smiles.map((s, i) => `${s},c${i + 1},${5 + (s.match(/Cl|Br|F|I/g) ?? []).length}`).join('\n') + '\n');
    const { jobId } = await call('collections.import', { source: { kind: 'path', path: csv } });
    const job = await core.whenJobFinished(jobId);
    const collectionId = (job.result as { collectionId: number }).collectionId;
    const offered = await call('design.surrogates', { collectionId, fit: ['user:pIC50'] });
    expect(offered.columns).toEqual([{ name: 'user:pIC50', count: 12 }]);
    expect(offered.fits[0]).toMatchObject({ name: 'user:pIC50', molecules: 12, problem: null });
    const checked = await call('design.check', { seed: 'c1ccccc1', smiles: ['Clc1ccc(Cl)c(Cl)c1'], objectives: ['user:pIC50:max'], constraints: {}, surrogateCollectionId: collectionId });
    expect(checked.molecules[0].values[0]!).toBeGreaterThan(checked.seed!.values[0]!);
    // the seed's own collection (SMILES only) has no such column
    const other = await importSmiles(core, tmp.file('plain.smi'), ['CCO', 'CCN'], false);
    await expect(call('design.optimize', { collectionId: other, objectives: ['user:pIC50'], method: 'cmaes', budget: 16 })).rejects.toThrow(/pIC50.*has 0 molecules/);
  }, 180_000);
});
