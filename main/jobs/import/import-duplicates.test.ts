// Nothing silently changed (issue 16, item 2), through the real import job (a job process, RDKit threads, a
// SQLite file): stripped salts and duplicates are listed as notes with the row, the parent and why; duplicates'
// values are merged into the first row (first non-empty value wins, conflicts listed) or the duplicate is kept.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCollection } from '../../store/collections.ts';
import { openWorkspace, type Db } from '../../store/db.ts';
import { listMolecules } from '../../store/molecules.ts';
import { listProblems } from '../../store/problems.ts';
import { tempDir } from '../../store/test-util.ts';
import { forkLauncher } from '../fork-launcher.ts';
import { JobManager } from '../manager.ts';
import { defaultWorkerModule } from '../worker-path.ts';
import type { ImportResult } from './import-args.ts';

// An assay table as Tox21 has them: the same parent as a salt and as the free base, with values split between rows.
const ASSAY = [
  'smiles,name,SR-MMP,NR-AR,note',
  'CC(=O)Nc1ccc(O)cc1,paracetamol,,1,', // 2: SR-MMP blank
  'CC(=O)Nc1ccc(O)cc1.Cl,paracetamol HCl,0,1,salt form', // 3: same parent, SR-MMP 0, NR-AR agrees, note new
  'CCN(CC)CC.Cl,triethylamine HCl,1,0,', // 4: a salt, first of its parent
  'CCN(CC)CC,triethylamine,0,,', // 5: same parent, SR-MMP conflicts (1 kept), NR-AR blank
  'c1ccccc1O,phenol,0,0,', // 6
].join('\n');

describe('duplicates and stripped salts are listed, their values kept', () => {
  const tmp = tempDir();
  let db: Db;
  let manager: JobManager;
  beforeAll(() => {
    const workspace = tmp.file('w.sqlite');
    db = openWorkspace(workspace);
    manager = new JobManager({ db, workspace, launcher: forkLauncher, workerModule: defaultWorkerModule(), emit: () => {} });
    writeFileSync(tmp.file('assay.csv'), `${ASSAY}\n`);
  });
  afterAll(async () => {
    await manager.close();
    db.close();
    tmp.remove();
  });

  async function importFile(options: object = {}): Promise<ImportResult> {
    const path = tmp.file('assay.csv');
    const job = await manager.whenFinished(manager.start('import', 'assay', { path, name: 'assay', sourcePath: path, properties: false, ...options }));
    expect(job.error).toBeNull();
    return job.result as ImportResult;
  }
  const values = (cid: number) => listMolecules(db, cid, 0, 100).map((r) => [r.name, r.sourceLine, r.userProps]);

  it("merge (the default): the duplicate's values fill the first row's empty columns; a conflict keeps the first and is a warning", async () => {
    const r = await importFile();
    expect(r).toMatchObject({ records: 5, imported: 3, duplicates: 2, duplicateMode: 'merge', valueConflicts: 1, fragmentsStripped: 2, problems: 0, warnings: 1 });
    expect(values(r.collectionId)).toEqual([
      // SR-MMP 0 from line 3 is not lost to the blank of line 2
      ['paracetamol', 2, { 'SR-MMP': 0, 'NR-AR': 1, note: 'salt form' }],
      ['triethylamine HCl', 4, { 'SR-MMP': 1, 'NR-AR': 0, note: null }],
      ['phenol', 6, { 'SR-MMP': 0, 'NR-AR': 0, note: null }],
    ]);
    const listed = listProblems(db, r.collectionId, 0, 100);
    // the count is what needs a look (here the one warning); the notes are listed beside it
    expect(getCollection(db, r.collectionId).problemCount).toBe(1);
    expect(listed.map((p) => [p.line, p.severity])).toEqual([
      [3, 'info'], // salt stripped
      [3, 'info'], // duplicate of line 2, merged
      [4, 'info'], // salt stripped
      [5, 'info'], // duplicate of line 4, merged
      [5, 'warning'], // SR-MMP 1 vs 0
    ]);
    expect(listed[0].reason).toBe('salt/fragment stripped: kept the largest fragment CC(=O)Nc1ccc(O)cc1, removed Cl');
    expect(listed[1].reason).toBe(
      "duplicate: the same parent structure as line 2 (paracetamol), CC(=O)Nc1ccc(O)cc1; merged into it (its values for SR-MMP, note filled the empty columns there); its name paracetamol HCl is not kept",
    );
    expect(listed[3].reason).toMatch(/^duplicate: the same parent structure as line 4 \(triethylamine HCl\), CCN\(CC\)CC; merged into it \(no values to add\)/);
    expect(listed[4].reason).toMatch(/^duplicate of line 4 \(triethylamine HCl\) with different values: SR-MMP 1 kept, 0 here\./);
  });

  it('keep: the duplicate is its own row with its own values, and still listed', async () => {
    const r = await importFile({ duplicates: 'keep' });
    expect(r).toMatchObject({ imported: 5, duplicates: 2, duplicateMode: 'keep', valueConflicts: 0 });
    expect(values(r.collectionId).map((v) => [v[0], (v[2] as Record<string, unknown>)['SR-MMP']])).toEqual([
      ['paracetamol', null],
      ['paracetamol HCl', 0],
      ['triethylamine HCl', 1],
      ['triethylamine', 0],
      ['phenol', 0],
    ]);
    const dup = listProblems(db, r.collectionId, 0, 100).filter((p) => /^duplicate/.test(p.reason));
    expect(dup.map((p) => [p.line, p.severity])).toEqual([[3, 'info'], [5, 'info']]);
    expect(dup[0].reason).toMatch(/as line 2 \(paracetamol\).*kept as its own row/);
  });

  it('merges into a row written in an earlier batch (read back from the workspace)', async () => {
    // 2,000 records per batch: the duplicate at the end meets its first row in the database, not in memory
    const rows = Array.from({ length: 2100 }, (_, i) => `${'C'.repeat(1 + (i % 40))}${i >= 40 ? `O${'C'.repeat(Math.floor(i / 40))}` : ''},m${i},${i === 0 ? '' : i}`);
    rows.push('C,late-methane,7');
    const path = tmp.file('big.csv');
    writeFileSync(path, `smiles,name,act\n${rows.join('\n')}\n`);
    const job = await manager.whenFinished(manager.start('import', 'big', { path, name: 'big', sourcePath: path, properties: false }));
    const r = job.result as ImportResult;
    expect(r.duplicates).toBeGreaterThanOrEqual(1);
    const first = listMolecules(db, r.collectionId, 0, 1)[0];
    expect(first).toMatchObject({ name: 'm0', userProps: { act: 7 } });
  }, 60_000);
});

describe('a flood of problems is stored up to a bound and counted beyond it', () => {
  const tmp = tempDir();
  let db: Db;
  let manager: JobManager;
  beforeAll(() => {
    const workspace = tmp.file('w.sqlite');
    db = openWorkspace(workspace);
    manager = new JobManager({ db, workspace, launcher: forkLauncher, workerModule: defaultWorkerModule(), emit: () => {} });
  });
  afterAll(async () => {
    await manager.close();
    db.close();
    tmp.remove();
  });

  it('24,000 lines RDKit refuses and 12,000 the reader refuses: 10,000 of each source listed, every one counted', async () => {
    // 'C1CC' passes the reader and fails in RDKit (unclosed ring); '{x}' fails in the reader
    const lines = ['CCO first'];
    for (let i = 0; i < 12_000; i++) lines.push(`C1CC${'C'.repeat(i % 7)} r${i}`, `{x${i}}`, `C1C${'C'.repeat(i % 5)} s${i}`);
    lines.push('CCN last');
    const path = tmp.file('flood.smi');
    writeFileSync(path, `${lines.join('\n')}\n`);
    const job = await manager.whenFinished(manager.start('import', 'flood', { path, name: 'flood', sourcePath: path, properties: false }));
    const r = job.result as ImportResult;
    expect(r).toMatchObject({ imported: 2, problems: 36_000 });
    expect(getCollection(db, r.collectionId).problemCount).toBe(36_000);
    const all = listProblems(db, r.collectionId, 0, 50_000);
    expect(all.length).toBeLessThanOrEqual(10_002);
    expect(all.filter((p) => /more problems .* are (counted but )?not listed/.test(p.reason)).length).toBeGreaterThanOrEqual(1);
  }, 120_000);
});
