// The import and properties jobs end to end: a real job process, real RDKit threads, a real SQLite file.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventName, EventPayload } from '../../api/contract.ts';
import { loadRDKit, parseMol } from '../../chem/rdkit.ts';
import { getCollection, listCollections } from '../../store/collections.ts';
import { openWorkspace, type Db } from '../../store/db.ts';
import { listMolecules } from '../../store/molecules.ts';
import { listProblems } from '../../store/problems.ts';
import { tempDir } from '../../store/test-util.ts';
import { forkLauncher } from '../fork-launcher.ts';
import { JobManager } from '../manager.ts';
import { defaultWorkerModule } from '../worker-path.ts';
import type { ImportResult } from './import-args.ts';

const canonical = (s: string) => {
  const m = parseMol(s)!;
  try {
    return m.get_smiles();
  } finally {
    m.delete();
  }
};

describe('import and properties jobs', () => {
  const tmp = tempDir();
  let db: Db;
  let manager: JobManager;
  const events: { event: EventName; payload: EventPayload<EventName> }[] = [];
  beforeAll(async () => {
    await loadRDKit();
    const workspace = tmp.file('w.sqlite');
    db = openWorkspace(workspace);
    manager = new JobManager({ db, workspace, launcher: forkLauncher, workerModule: defaultWorkerModule(), emit: (event, payload) => events.push({ event, payload }) });
  });
  afterAll(async () => {
    await manager.close();
    db.close();
    tmp.remove();
  });

  it('stores good records in file order, drops duplicates by canonical SMILES and keeps problems with line and reason', async () => {
    const path = tmp.file('set.smi');
    const lines = [
      'smiles name', // header
      'CCO ethanol', // 2
      'c1ccccc1 benzene', // 3
      'C1CC broken-ring', // 4
      '', // 5 (blank)
      'OCC ethanol-again', // 6: duplicate of line 2
      'C1=CC=CC=C1 kekule-benzene', // 7: duplicate of line 3
      'CC(C)(C)(C)(C)C pentavalent', // 8
      'CC(=O)Nc1ccc(O)cc1 paracetamol', // 9
      'C{C} braces', // 10: the reader refuses the character
    ];
    writeFileSync(path, lines.join('\n') + '\n');
    const id = manager.start('import', 'import set.smi', { path, name: 'set', sourcePath: path });
    const job = await manager.whenFinished(id);
    expect(job.error).toBeNull();
    expect(job.status).toBe('done');
    const result = job.result as ImportResult;
    expect(result).toMatchObject({ imported: 3, duplicates: 2, problems: 3 });
    const c = getCollection(db, result.collectionId);
    // three lines not imported; the Problems view lists the two duplicates merged beside them, as notes
    expect(c).toMatchObject({ name: 'set', kind: 'imported', sourcePath: path, moleculeCount: 3, duplicateCount: 2, problemCount: 3 });
    const rows = listMolecules(db, c.id, 0, 10);
    expect(rows.map((r) => [r.position, r.name, r.smiles, r.sourceLine])).toEqual([
      [1, 'ethanol', 'CCO', 2],
      [2, 'benzene', 'c1ccccc1', 3],
      [3, 'paracetamol', 'CC(=O)Nc1ccc(O)cc1', 9],
    ]);
    expect(rows.map((r) => r.canonicalSmiles)).toEqual(['CCO', 'c1ccccc1', 'CC(=O)Nc1ccc(O)cc1'].map(canonical));
    const listed = listProblems(db, c.id, 0, 10);
    expect(listed.filter((p) => p.severity === 'info').map((p) => p.line)).toEqual([6, 7]);
    expect(listed.find((p) => p.line === 6)!.reason).toMatch(/^duplicate: the same structure as line 2 \(ethanol\), CCO; merged into it/);
    const problems = listed.filter((p) => p.severity === 'error');
    expect(problems.map((p) => [p.file, p.line])).toEqual([
      ['set.smi', 4],
      ['set.smi', 8],
      ['set.smi', 10],
    ]);
    expect(problems[0].reason).toMatch(/unclosed ring/);
    expect(problems[0].text).toBe('C1CC');
    expect(problems[1].reason).toMatch(/valence/i);
    expect(problems[2].reason).toMatch(/character/);
    expect(events.some((e) => e.event === 'collections.changed' && (e.payload as { collectionId: number }).collectionId === c.id)).toBe(true);

    // then the properties job fills the property columns in
    const pid = manager.start('properties', 'properties of set', { collectionId: c.id });
    const pjob = await manager.whenFinished(pid);
    expect(pjob.status).toBe('done');
    expect(getCollection(db, c.id).propertiesDone).toBe(3);
    const byWeight = listMolecules(db, c.id, 0, 10, { key: 'mol_wt', descending: true });
    expect(byWeight.map((r) => r.name)).toEqual(['paracetamol', 'benzene', 'ethanol']);
    expect(byWeight[0].props.mol_wt).toBeCloseTo(151.165, 2);
    expect(byWeight[0].props).toHaveProperty('clogp');
    expect(byWeight[0].props.hbd).toBe(2);
  });

  it('imports a gzipped file whose every line fails as an empty collection with its problems', async () => {
    const { gzipSync } = await import('node:zlib');
    const path = tmp.file('bad.smi.gz');
    writeFileSync(path, gzipSync('C1CC\nc1cccc1\n'));
    const job = await manager.whenFinished(manager.start('import', 'bad', { path, name: 'bad', sourcePath: path }));
    expect(job.status).toBe('done');
    const result = job.result as ImportResult;
    expect(result).toMatchObject({ imported: 0, problems: 2, records: 2 });
    expect(listProblems(db, result.collectionId, 0, 10).map((p) => `${p.file}:${p.line}`)).toEqual(['bad.smi.gz:1', 'bad.smi.gz:2']);
  });

  it('removes the half-written collection when the import is cancelled', async () => {
    const before = listCollections(db).length;
    const path = new URL('../../../../shared/data/zinc250k/train.smi.gz', import.meta.url).pathname;
    const id = manager.start('import', 'big', { path, name: 'big', sourcePath: path });
    const end = Date.now() + 60_000;
    while (!events.some((e) => e.event === 'job.progress' && (e.payload as EventPayload<'job.progress'>).jobId === id && (e.payload as EventPayload<'job.progress'>).done > 0)) {
      if (Date.now() > end) throw new Error('no progress');
      await new Promise((r) => setTimeout(r, 20));
    }
    manager.cancel(id);
    const job = await manager.whenFinished(id);
    expect(job.status).toBe('cancelled');
    expect(listCollections(db).length).toBe(before);
  });
});
