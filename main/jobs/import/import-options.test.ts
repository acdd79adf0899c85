// Import options (largest fragment, neutralize, duplicates) and the sample CSV / SD files through the real
// import job: a job process, RDKit threads, a SQLite file.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRDKit } from '../../chem/rdkit.ts';
import { standardize } from '../../files/standardize.ts';
import { getCollection } from '../../store/collections.ts';
import { openWorkspace, type Db } from '../../store/db.ts';
import { listMolecules } from '../../store/molecules.ts';
import { tempDir } from '../../store/test-util.ts';
import { forkLauncher } from '../fork-launcher.ts';
import { JobManager } from '../manager.ts';
import { defaultWorkerModule } from '../worker-path.ts';
import type { ImportResult } from './import-args.ts';

const SAMPLES = new URL('../../../../shared/data/samples/', import.meta.url).pathname;
const SALTS = [
  'CC(=O)[O-].[Na+] sodium-acetate',
  'CC(=O)O acetic-acid', // the same parent as line 1 once stripped and neutralized
  'C[NH3+].[Cl-] methylammonium-chloride',
  'c1ccccc1.O benzene-hydrate',
  'CCO ethanol',
  'OCC ethanol-again',
].join('\n');

describe('import options and sample files', () => {
  const tmp = tempDir();
  let db: Db;
  let manager: JobManager;
  beforeAll(async () => {
    await loadRDKit();
    const workspace = tmp.file('w.sqlite');
    db = openWorkspace(workspace);
    manager = new JobManager({ db, workspace, launcher: forkLauncher, workerModule: defaultWorkerModule(), emit: () => {} });
    writeFileSync(tmp.file('salts.smi'), SALTS);
  });
  afterAll(async () => {
    await manager.close();
    db.close();
    tmp.remove();
  });

  async function importFile(path: string, options: object = {}): Promise<ImportResult> {
    const id = manager.start('import', `import ${path}`, { path, name: 'x', sourcePath: path, properties: false, ...options });
    const job = await manager.whenFinished(id);
    expect(job.error).toBeNull();
    return job.result as ImportResult;
  }
  const smilesOf = (cid: number) => listMolecules(db, cid, 0, 1000).map((r) => [r.name, r.smiles, r.canonicalSmiles]);

  it('keeps the largest fragment and drops duplicates by default, counting both', async () => {
    const r = await importFile(tmp.file('salts.smi'));
    expect(r).toMatchObject({ imported: 5, duplicates: 1, fragmentsStripped: 3, neutralized: 0 });
    const expected = SALTS.split('\n')
      .filter((l) => !l.includes('again'))
      .map((l) => {
        const [s, name] = l.split(' ');
        const c = standardize(s, { largestFragment: true })!.smiles;
        return [name, s.includes('.') ? c : s, c];
      });
    expect(smilesOf(r.collectionId)).toEqual(expected);
  });

  it('neutralizes on request; keeps every fragment and every duplicate when asked', async () => {
    const n = await importFile(tmp.file('salts.smi'), { neutralize: true });
    expect(n).toMatchObject({ imported: 4, duplicates: 2, fragmentsStripped: 3, neutralized: 2 });
    expect(smilesOf(n.collectionId).map((r) => r[2])).toEqual(['CC(=O)O', 'CN', 'c1ccccc1', 'CCO']);
    const all = await importFile(tmp.file('salts.smi'), { largestFragment: false, duplicates: 'keep' });
    // ethanol twice: kept as its own row, and counted and listed as a duplicate
    expect(all).toMatchObject({ imported: 6, duplicates: 1, duplicateMode: 'keep', fragmentsStripped: 0 });
    expect(smilesOf(all.collectionId).map((r) => r[1])).toEqual(SALTS.split('\n').map((l) => l.split(' ')[0]));
  });

  it('imports the sample CSV and SD files with their user columns', async () => {
    const esol = await importFile(`${SAMPLES}esol.csv`);
    const header = readFileSync(`${SAMPLES}esol.csv`, 'utf8').split('\n')[0].split(',');
    const c = getCollection(db, esol.collectionId);
    expect(c.userColumns.sort()).toEqual(header.filter((h) => h !== 'smiles' && h !== 'Compound ID').sort());
    const first = listMolecules(db, c.id, 0, 1)[0];
    expect(first.name).toBe('Amigdalin');
    expect(first.userProps['measured log solubility in mols per litre']).toBe(-0.77);

    const sdf = await importFile(`${SAMPLES}nci-200.props.sdf`);
    const s = getCollection(db, sdf.collectionId);
    expect(sdf.records).toBe(200);
    expect(s.userColumns).toEqual(expect.arrayContaining(['AMW', 'CLOGP', 'CP']));
    const rows = listMolecules(db, s.id, 0, 1000);
    expect(rows.filter((r) => typeof r.userProps.AMW === 'number').length).toBe(rows.length);

    const bbbp = await importFile(`${SAMPLES}bbbp.csv`);
    expect(bbbp.problems).toBeGreaterThan(0);
    expect(bbbp.fragmentsStripped).toBeGreaterThan(0);
    expect(getCollection(db, bbbp.collectionId).userColumns.sort()).toEqual(['num', 'p_np']);
  }, 60_000);
});
