// The core called directly, as every host does: real workspace file, real job processes, real RDKit.
import { readdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventName, EventPayload } from '../api/contract.ts';
import { checkCall } from '../api/validate.ts';
import { tempDir } from '../store/test-util.ts';
import { createCore } from './core.ts';
import { uploadsFolder } from './import-source.ts';
import type { LocalCore } from './types.ts';

const SMI = ['CCO ethanol', 'OCC ethanol-again', 'c1ccccc1 benzene', 'C1CC broken', 'CC(=O)Nc1ccc(O)cc1 paracetamol'].join('\n') + '\n';

describe('createCore', () => {
  const tmp = tempDir();
  let core: LocalCore | null = null;
  afterEach(async () => {
    await core?.close();
    core = null;
    tmp.remove();
  });

  /** Calls a handler the way hosts do: arguments through the contract's schema first. */
  async function call(name: string, args: unknown): Promise<unknown> {
    const checked = checkCall(name, args);
    if (!checked.ok) throw new Error(checked.message);
    return (core!.handlers[checked.name] as (a: unknown) => Promise<unknown>)(checked.args);
  }

  it('imports a file, follows with properties, and serves windows, problems, renames and deletes', async () => {
    core = await createCore({ workspace: tmp.file('w.sqlite'), host: 'test' });
    const seen: { event: EventName; payload: EventPayload<EventName> }[] = [];
    core.onEvent((event, payload) => seen.push({ event, payload }));
    expect(await call('app.info', {})).toMatchObject({ name: 'Molscape', workspace: tmp.file('w.sqlite'), host: 'test' });
    expect(await call('collections.list', {})).toEqual([]);

    const path = tmp.file('set.smi');
    writeFileSync(path, SMI);
    const { jobId } = (await call('collections.import', { source: { kind: 'path', path } })) as { jobId: number };
    const job = await core.whenJobFinished(jobId);
    expect(job.status).toBe('done');
    const { collectionId, propertiesJobId } = job.result as { collectionId: number; propertiesJobId: number };
    expect(await core.whenJobFinished(propertiesJobId)).toMatchObject({ status: 'done', kind: 'properties' });

    expect(await call('collections.get', { id: collectionId })).toMatchObject({ name: 'set', moleculeCount: 3, duplicateCount: 1, problemCount: 1, propertiesDone: 3 });
    const page = (await call('collections.molecules', { collectionId, offset: 0, limit: 10, sort: { key: 'mol_wt', descending: true } })) as {
      total: number;
      rows: { name: string; props: Record<string, unknown> }[];
    };
    expect(page.total).toBe(3);
    expect(page.rows.map((r) => r.name)).toEqual(['paracetamol', 'benzene', 'ethanol']);
    const problems = (await call('collections.problems', { collectionId, offset: 0, limit: 10 })) as { total: number; rows: { line: number; reason: string }[] };
    // the line not imported, and beside it the duplicate merged into line 1, as a note (issue 16, item 2)
    expect(problems.total).toBe(2);
    expect(problems.rows).toMatchObject([
      { file: 'set.smi', line: 2, severity: 'info' },
      { file: 'set.smi', line: 4, severity: 'error' },
    ]);

    expect(seen.some((e) => e.event === 'job.finished' && (e.payload as { jobId: number }).jobId === jobId)).toBe(true);
    expect(seen.some((e) => e.event === 'collections.changed')).toBe(true);
    expect(((await call('jobs.list', {})) as { kind: string }[]).map((j) => j.kind)).toEqual(['properties', 'import']);

    expect(await call('collections.rename', { id: collectionId, name: 'renamed' })).toMatchObject({ name: 'renamed' });
    expect(await call('collections.delete', { id: collectionId })).toEqual({ deleted: true });
    expect(await call('collections.delete', { id: collectionId })).toEqual({ deleted: false });
    await expect(call('collections.molecules', { collectionId, offset: 0, limit: 10 })).rejects.toThrow(`There is no collection with id ${collectionId}`);
  });

  it('imports an upload through a temporary file that is removed afterwards', async () => {
    core = await createCore({ workspace: tmp.file('w.sqlite'), host: 'test' });
    const base64 = gzipSync(SMI).toString('base64');
    const { jobId } = (await call('collections.import', { source: { kind: 'upload', fileName: 'dropped.smi.gz', base64 }, properties: false })) as { jobId: number };
    const job = await core.whenJobFinished(jobId);
    expect(job.status).toBe('done');
    const { collectionId } = job.result as { collectionId: number };
    expect(await call('collections.get', { id: collectionId })).toMatchObject({ name: 'dropped', sourcePath: null, moleculeCount: 3, propertiesDone: 0 });
    expect((await call('collections.problems', { collectionId, offset: 0, limit: 5 })) as object).toMatchObject({ rows: [{ file: 'dropped.smi.gz', line: 2, severity: 'info' }, { file: 'dropped.smi.gz', line: 4 }] });
    expect(readdirSync(uploadsFolder(tmp.file('w.sqlite')))).toEqual([]);
  });

  it('answers what a user can get wrong with clear errors', async () => {
    core = await createCore({ workspace: tmp.file('w.sqlite'), host: 'test' });
    await expect(call('collections.import', { source: { kind: 'path', path: tmp.file('missing.smi') } })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/missing.smi: there is no such file/) });
    await expect(call('collections.import', { source: { kind: 'upload', fileName: 'x.smi', base64: '' } })).rejects.toThrow(/x.smi: it is empty/);
    await expect(call('collections.get', { id: 999 })).rejects.toMatchObject({ status: 404, message: expect.stringContaining('There is no collection with id 999') });
    await expect(call('jobs.get', { id: 42 })).rejects.toMatchObject({ status: 404, message: expect.stringContaining('There is no job with id 42') });
    await expect(call('jobs.cancel', { id: 42 })).rejects.toThrow('There is no job with id 42');
    await expect(call('collections.get', { id: -1 })).rejects.toThrow(/Invalid arguments/);
  });

  it('draws SVGs with RDKit, null where a SMILES does not parse', async () => {
    core = await createCore({ workspace: tmp.file('w.sqlite'), host: 'test' });
    const { svgs } = (await call('chem.depict', { smiles: ['c1ccccc1O', 'C1CC', ''], width: 120, height: 90 })) as { svgs: (string | null)[] };
    expect(svgs[0]).toMatch(/^<\?xml|<svg/);
    expect(svgs[0]).toContain("width='120px'");
    expect(svgs.slice(1)).toEqual([null, null]);
  });

});
