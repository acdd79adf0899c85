// The model calls through the real core (a temp workspace): models.list, latent.encode → latent.decode,
// latent.sample by seed, models.doctor, and bad input as a 400 with the reason.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calls } from '../api/contract.ts';
import { createCore } from '../handlers/core.ts';
import type { LocalCore } from '../handlers/types.ts';
import { tempDir } from '../store/test-util.ts';
import { canonicalSmiles } from './canonical.ts';
import { DEFAULT_MODEL_NAME } from './model-path.ts';

const tmp = tempDir('molscape-design-api-');
let core: LocalCore;

beforeAll(async () => {
  core = await createCore({ workspace: tmp.file('ws.sqlite'), host: 'test' });
});
afterAll(async () => {
  await core?.close();
  tmp.remove();
});

describe('model calls', () => {
  it('models.list shows the shipped model as the default, checked', async () => {
    const list = await core.handlers['models.list']({});
    const zinc = list.find((m) => m.isDefault);
    expect(zinc).toMatchObject({ name: DEFAULT_MODEL_NAME, problem: null });
    expect(zinc!.latent).toBeGreaterThan(0);
  });

  it('latent.encode then latent.decode, with the unknown token reported', async () => {
    const enc = await core.handlers['latent.encode'](calls['latent.encode'].args.parse({ smiles: ['c1ccccc1CCN', 'C[Xe]'] }));
    expect(enc.rows.map((r) => r.index)).toEqual([0]);
    expect(enc.rows[0].z).toHaveLength(enc.latent);
    expect(enc.problems).toEqual([expect.objectContaining({ index: 1, token: '[Xe]' })]);
    const dec = await core.handlers['latent.decode'](calls['latent.decode'].args.parse({ z: enc.rows.map((r) => r.z) }));
    expect(dec.molecules).toHaveLength(1);
    const m = dec.molecules[0];
    expect(m.valid).toBe(canonicalSmiles(m.raw) !== null);
  });

  it('latent.encode gives the model RDKit\'s canonical SMILES: a molecule written two ways is one point', async () => {
    const enc = await core.handlers['latent.encode'](calls['latent.encode'].args.parse({ smiles: ['c1ccccc1C(=O)OCC', 'CCOC(=O)c1ccccc1'] }));
    expect(enc.rows).toHaveLength(2);
    expect(enc.rows[0].z).toEqual(enc.rows[1].z);
  });

  it('latent.sample gives the same molecules for the same seed', async () => {
    const args = calls['latent.sample'].args.parse({ n: 6, seed: 3 });
    const a = await core.handlers['latent.sample'](args), b = await core.handlers['latent.sample'](args);
    expect(a.molecules).toHaveLength(6);
    expect(b.molecules).toEqual(a.molecules);
  });

  it('latent.sample describes each draw on request (properties, membership, provenance), from the prior or the aggregate posterior', async () => {
    const args = calls['latent.sample'].args.parse({ n: 8, seed: 5, strategy: 'valid-first', source: 'aggregate', describe: true });
    const r = await core.handlers['latent.sample'](args);
    expect(r.designed).toHaveLength(8);
    r.designed!.forEach((d, i) => {
      expect(d.smiles).toBe(r.molecules[i].smiles);
      expect(d.provenance).toMatchObject({ operation: 'sample', randomSeed: 5, params: { source: 'aggregate', strategy: 'valid-first', draw: i } });
      expect(d.provenance.modelSha256).toMatch(/^[0-9a-f]{64}$/);
      if (d.valid) expect(typeof d.props.qed).toBe('number');
    });
    const prior = await core.handlers['latent.sample'](calls['latent.sample'].args.parse({ n: 8, seed: 5, strategy: 'valid-first' }));
    expect(prior.designed).toBeUndefined();
    expect(prior.molecules.map((m) => m.smiles)).not.toEqual(r.molecules.map((m) => m.smiles));
  });

  it('bad requests are errors that say what is wrong', async () => {
    await expect(core.handlers['latent.decode'](calls['latent.decode'].args.parse({ z: [[1, 2]] }))).rejects.toThrow(/z row 1 has 2 values/);
    await expect(core.handlers['latent.sample'](calls['latent.sample'].args.parse({ n: 1, model: 'no-such-model' }))).rejects.toThrow(/There is no model named 'no-such-model'/);
    await expect(core.handlers['models.doctor'](calls['models.doctor'].args.parse({ path: tmp.file('missing.smi') }))).rejects.toThrow(/There is no file/);
  });

  it('models.doctor reports on a file', async () => {
    fs.writeFileSync(tmp.file('d.smi'), 'CCO\nOCC\nC[Xe]C\n');
    const r = await core.handlers['models.doctor'](calls['models.doctor'].args.parse({ path: tmp.file('d.smi') }));
    expect(calls['models.doctor'].result.safeParse(r).success).toBe(true);
    expect(r.duplicates.count).toBe(1);
    expect(r.outOfVocabulary!.examples[0]).toMatchObject({ line: 3, token: '[Xe]' });
  });
});
