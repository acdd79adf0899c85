// Paths only where the user chose them (issue 18, item 3): the policy on its own, then a real core as browser
// mode and the desktop host make it, every call that takes a path tried with a path outside what was granted.
import { mkdirSync, readFileSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../store/test-util.ts';
import { createCore } from './core.ts';
import { ImportSource, calls } from '../api/contract.ts';
import { GrantedPaths, PATH_ARGS, allowAllPaths, defaultPathPolicy, guardPaths, realPathOf } from './path-policy.ts';
import { checkedCall } from './test-core.ts';
import type { LocalCore } from './types.ts';

const SMI = 'CCO ethanol\nc1ccccc1 benzene\nCC(=O)Nc1ccc(O)cc1 paracetamol\n';

describe('GrantedPaths', () => {
  const tmp = tempDir();
  afterAll(() => tmp.remove());

  it('grants what lies in a granted folder, by real path, and nothing else', () => {
    const granted = tmp.file('granted');
    mkdirSync(path.join(granted, 'sub'), { recursive: true });
    writeFileSync(tmp.file('secret.txt'), 'secret');
    symlinkSync(tmp.file('secret.txt'), path.join(granted, 'link.txt'));
    symlinkSync(tmp.dir, path.join(granted, 'up'));
    const policy = new GrantedPaths([granted]);
    const real = realPathOf(granted);
    expect(policy.check(path.join(granted, 'sub', 'a.smi'), 'read', 'the file')).toBe(path.join(real, 'sub', 'a.smi'));
    // not yet there: a file to write, a folder to create two levels down
    expect(policy.check(path.join(granted, 'new', 'deeper', 'out.csv'), 'write', 'the export file')).toBe(path.join(real, 'new', 'deeper', 'out.csv'));
    for (const outside of [
      tmp.file('secret.txt'),
      path.join(granted, '..', 'secret.txt'),
      path.join(granted, 'link.txt'), // a link inside pointing out
      path.join(granted, 'up', 'secret.txt'), // a folder link inside pointing out
      `${granted}-sibling/x.smi`, // a name that merely starts like the folder
      '/etc/passwd',
      'relative/file.smi',
      `${granted}/a\0.smi`,
    ]) {
      expect(() => policy.check(outside, 'read', 'the file'), outside).toThrow(expect.objectContaining({ status: 403, message: expect.stringContaining('Refused: the file') }));
    }
  });

  it('grants single files for their use only (a dialog, a drop): not their folder, not for writing', () => {
    const dir = tmp.file('picked');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'chosen.smi'), SMI);
    writeFileSync(path.join(dir, 'other.smi'), SMI);
    const policy = new GrantedPaths([], 'Choose the file with File > Import.');
    expect(() => policy.check(path.join(dir, 'chosen.smi'), 'read', 'the file')).toThrow(/Choose the file with File > Import/);
    expect(policy.grantFile(path.join(dir, 'chosen.smi'), 'read')).toBe(realPathOf(path.join(dir, 'chosen.smi')));
    expect(policy.check(path.join(dir, 'chosen.smi'), 'read', 'the file')).toBe(realPathOf(path.join(dir, 'chosen.smi')));
    expect(() => policy.check(path.join(dir, 'chosen.smi'), 'write', 'the export file')).toThrow(/Refused/);
    expect(() => policy.check(path.join(dir, 'other.smi'), 'read', 'the file')).toThrow(/Refused/);
    expect(() => policy.check(dir, 'read', 'the model folder')).toThrow(/Refused/);
    // only real, absolute, regular files can be granted for reading
    for (const bad of [dir, path.join(dir, 'missing.smi'), 'chosen.smi', '', '/dev/zero']) expect(policy.grantFile(bad, 'read'), bad).toBeNull();
    expect(policy.grantFile(path.join(dir, 'to-write.csv'), 'write')).toBe(path.join(realPathOf(dir), 'to-write.csv'));
    expect(policy.check(path.join(dir, 'to-write.csv'), 'write', 'the export file')).toBe(path.join(realPathOf(dir), 'to-write.csv'));
  });

  it('refuses to start with a granted folder that does not exist or is a file', () => {
    expect(() => new GrantedPaths([tmp.file('nope')])).toThrow(/does not exist/);
    writeFileSync(tmp.file('plain'), 'x');
    expect(() => new GrantedPaths([tmp.file('plain')])).toThrow(/is not a folder/);
  });

  it('leaves the CLI and tests their plain paths; a UI host without grants gets none', () => {
    expect(defaultPathPolicy('cli')).toBe(allowAllPaths);
    expect(defaultPathPolicy('test')).toBe(allowAllPaths);
    const handlers = {} as Parameters<typeof guardPaths>[0];
    expect(guardPaths(handlers, allowAllPaths)).toBe(handlers);
    for (const host of ['browser', 'electron'] as const) expect(() => defaultPathPolicy(host).check('/tmp/x.smi', 'read', 'the file')).toThrow(/Refused/);
  });
});

describe('PATH_ARGS', () => {
  it('covers every argument of the contract that can name a path (a new one must be added there)', () => {
    // string arguments whose name says path, and import sources; `model` is guarded on every call
    const looksLikePath = /path|file|dir|folder|^out$|^data$|^valid$|^from$|workspace/i;
    /** string arguments of those names that are not paths */
    const notPaths = new Set(['latent.interpolate:from']); // a SMILES
    const missing: string[] = [];
    for (const [name, spec] of Object.entries(calls)) {
      const shape = (spec.args as unknown as { shape?: Record<string, { def?: { type?: string; innerType?: { def?: { type?: string } } } }> }).shape ?? {};
      for (const [key, schema] of Object.entries(shape)) {
        const type = schema.def?.type === 'optional' || schema.def?.type === 'default' ? schema.def.innerType?.def?.type : schema.def?.type;
        const isSource = schema === (ImportSource as unknown) || (schema.def?.innerType as unknown) === ImportSource;
        if (!isSource && !(type === 'string' && looksLikePath.test(key))) continue;
        if (notPaths.has(`${name}:${key}`)) continue;
        if (!PATH_ARGS[name as keyof typeof PATH_ARGS]?.some((a) => a.key === key)) missing.push(`${name}:${key}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('a core in browser mode with one granted folder', () => {
  const tmp = tempDir();
  let core: LocalCore;
  let granted: string;
  let outsideFile: string;
  let collectionId: number;

  beforeAll(async () => {
    granted = tmp.file('granted');
    mkdirSync(granted, { recursive: true });
    outsideFile = tmp.file('private.smi');
    writeFileSync(outsideFile, 'CCO line one of a private file\n');
    writeFileSync(path.join(granted, 'set.smi'), SMI);
    symlinkSync(outsideFile, path.join(granted, 'sneaky.smi'));
    core = await createCore({ workspace: tmp.file('w.sqlite'), host: 'browser', paths: new GrantedPaths([granted]), userModelsDir: tmp.file('models') });
    const { jobId } = await checkedCall(core, 'collections.import', { source: { kind: 'path', path: path.join(granted, 'set.smi') }, properties: false });
    const job = await core.whenJobFinished(jobId);
    expect(job.status).toBe('done');
    collectionId = (job.result as { collectionId: number }).collectionId;
  }, 60_000);
  afterAll(async () => {
    await core.close();
    tmp.remove();
  });

  const refused = async (name: Parameters<typeof checkedCall>[1], args: unknown) => {
    await expect(checkedCall(core, name, args), `${name} ${JSON.stringify(args)}`).rejects.toMatchObject({ status: 403, message: expect.stringMatching(/^Refused: /) });
  };

  it('imports from the granted folder, and from nowhere else (a link out of it neither)', async () => {
    expect((await checkedCall(core, 'collections.get', { id: collectionId })).sourcePath).toBe(path.join(realPathOf(granted), 'set.smi'));
    await refused('collections.import', { source: { kind: 'path', path: outsideFile } });
    await refused('collections.import', { source: { kind: 'path', path: path.join(granted, 'sneaky.smi') } });
    await refused('collections.import', { source: { kind: 'path', path: path.join(granted, '..', 'private.smi') } });
    await refused('collections.import', { source: { kind: 'path', path: '/etc/passwd' } });
  });

  it('refuses every other path argument outside it: joined values, doctor, export, training, model folders', async () => {
    await refused('collections.joinValues', { collectionId, source: { kind: 'path', path: outsideFile } });
    await refused('models.doctor', { path: outsideFile });
    await refused('models.doctor', { collectionId, model: tmp.dir });
    await refused('collections.export', { collectionId, format: 'csv', path: tmp.file('out.csv') });
    expect(existsSync(tmp.file('out.csv'))).toBe(false);
    for (const args of [
      { data: outsideFile, name: 'm1' },
      { collectionId, valid: outsideFile, name: 'm2' },
      { collectionId, out: tmp.file('model-out') },
      { collectionId, name: 'm3', runDir: tmp.file('run') },
      { collectionId, name: 'm4', from: tmp.dir },
    ]) {
      await refused('models.train', args);
    }
    expect(existsSync(tmp.file('model-out')) || existsSync(tmp.file('run'))).toBe(false);
    await refused('latent.encode', { smiles: ['CCO'], model: tmp.dir });
    await refused('latent.encode', { smiles: ['CCO'], model: '../models' });
  });

  it('writes an export inside the granted folder; names of models are no paths and pass', async () => {
    const out = path.join(granted, 'exports', 'set.csv');
    mkdirSync(path.dirname(out));
    const result = await checkedCall(core, 'collections.export', { collectionId, format: 'csv', path: out });
    expect(result.path).toBe(path.join(realPathOf(granted), 'exports', 'set.csv'));
    expect(readFileSync(out, 'utf8')).toContain('paracetamol');
    expect((await checkedCall(core, 'latent.encode', { smiles: ['CCO'], model: 'zinc250k' })).rows).toHaveLength(1);
  });
});
