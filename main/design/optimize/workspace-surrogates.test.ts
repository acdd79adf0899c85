// Objectives learned from the workspace, on a real workspace file with real RDKit fingerprints: the chemist's
// taste from candidates' star ratings (more like those rated high, less like those rated low; refitted when the
// ratings change; refused with a reason when there are too few or all alike) and a collection's measured column
// (its values learned, its cross-validated R² said, a sample beyond the cap).
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { morganFingerprintOf } from '../../chem/fingerprint.ts';
import { loadRDKit } from '../../chem/rdkit.ts';
import { createCollection, updateCollectionCounts } from '../../store/collections.ts';
import { openWorkspace } from '../../store/db.ts';
import type { Db } from '../../store/db.ts';
import { insertMolecules } from '../../store/molecules.ts';
import { tempDir } from '../../store/test-util.ts';
import { ObjectiveError, objectiveValue, parseObjective } from './objectives.ts';
import { MIN_RATED, WorkspaceSurrogates, columnValues, numericColumns, objectiveNameOf, ratedCandidates, surrogateNames } from './workspace-surrogates.ts';

// rated high: aryl sulfonamides; rated low: long aliphatic chains with an alcohol
const LIKED = ['Cc1ccc(cc1)S(N)(=O)=O', 'NS(=O)(=O)c1ccc(Cl)cc1', 'NS(=O)(=O)c1ccc(F)cc1', 'NS(=O)(=O)c1ccc(Br)cc1', 'COc1ccc(cc1)S(N)(=O)=O', 'NS(=O)(=O)c1ccccc1', 'CCc1ccc(cc1)S(N)(=O)=O'];
const DISLIKED = ['CCCCCCCCO', 'CCCCCCCCCO', 'CCCCCCCCCCO', 'CCCCCCCO', 'CC(C)CCCCCO', 'CCCCCCC(C)O', 'OCCCCCCCCCCO'];

describe('objectives learned from the workspace', () => {
  const tmp = tempDir('molscape-wsurrogates-');
  let db: Db;
  beforeAll(async () => {
    await loadRDKit();
  });
  beforeEach(() => {
    db = openWorkspace(tmp.file('ws.sqlite'));
  });
  afterEach(() => {
    db.close();
    tmp.remove();
  });

  function candidates(ratings: [string, number][]): number {
    const id = createCollection(db, { name: 'shortlist', kind: 'candidates' });
    insertMolecules(db, id, ratings.map(([s, rating], i) => ({ position: i + 1, name: null, smiles: s, canonicalSmiles: s, sourceLine: null, userProps: { rating, note: '' } })));
    updateCollectionCounts(db, id, { moleculeCount: ratings.length, userColumns: ['rating', 'note'] });
    return id;
  }

  const fingerprint = (s: string) => ({ fingerprint: morganFingerprintOf(s)! });

  it('names: taste and user:<column> are learned objectives, the computed properties are not', () => {
    expect(surrogateNames(['qed', 'taste:max', 'user:pIC50:target=7', 'user:pIC50:max', 'sa:min'])).toEqual(['taste', 'user:pIC50']);
    expect(objectiveNameOf('user:IC50 nM:min')).toBe('user:IC50 nM');
    expect(() => parseObjective('taste')).toThrow(ObjectiveError);
    expect(() => parseObjective('user:pIC50')).toThrow(/measured column/);
  });

  it('taste: a molecule like the ones rated high scores above one like those rated low', async () => {
    candidates([...LIKED.map((s): [string, number] => [s, 5]), ...DISLIKED.map((s): [string, number] => [s, 1]), ['c1ccccc1', 0]]);
    expect(ratedCandidates(db)).toHaveLength(LIKED.length + DISLIKED.length); // 0 stars: not rated
    const w = new WorkspaceSurrogates(db, { features: 'fingerprint', seed: 0 });
    const [fit] = await w.resolve(['taste']);
    expect(fit.problem).toBeNull();
    expect(fit.molecules).toBe(14);
    expect(fit.cvR2).toBeGreaterThan(0.5);
    const o = parseObjective('taste', w.customs);
    const liked = objectiveValue(o, {}, fingerprint('NS(=O)(=O)c1ccc(I)cc1'))!;
    const disliked = objectiveValue(o, {}, fingerprint('CCCCCCCCCCCO'))!;
    expect(liked).toBeGreaterThan(disliked + 1);
  });

  it('taste is refitted when the ratings change, and only then', async () => {
    const list = candidates([...LIKED.map((s): [string, number] => [s, 5]), ...DISLIKED.map((s): [string, number] => [s, 1])]);
    const w = new WorkspaceSurrogates(db, { features: 'fingerprint', seed: 0 });
    await w.resolve(['taste']);
    const o = parseObjective('taste', w.customs);
    const probe = fingerprint('CCCCCCCCCCCO');
    const before = objectiveValue(o, {}, probe)!;
    expect(await w.refreshTaste()).toBeNull();
    // the chemist changes their mind: the alcohols are the good ones
    db.prepare(`UPDATE molecules SET user_props = json_set(user_props, '$.rating', CASE WHEN smiles LIKE '%S(%' THEN 1 ELSE 5 END) WHERE collection_id = ?`).run(list);
    const refit = await w.refreshTaste();
    expect(refit).not.toBeNull();
    expect(objectiveValue(o, {}, probe)!).toBeGreaterThan(before + 1);
  });

  it('taste with too few ratings, or all alike, is refused with the reason', async () => {
    candidates(LIKED.slice(0, 4).map((s): [string, number] => [s, 4]));
    const w = new WorkspaceSurrogates(db, { features: 'fingerprint', seed: 0 });
    await expect(w.resolve(['taste'])).rejects.toThrow(new RegExp(`at least ${MIN_RATED} rated candidates.*; 4 are rated`));
    candidates([...LIKED, ...DISLIKED].map((s): [string, number] => [s, 3]));
    db.prepare(`UPDATE molecules SET user_props = json_set(user_props, '$.rating', 3)`).run();
    const [fit] = await new WorkspaceSurrogates(db, { features: 'fingerprint', seed: 0 }).preview(['taste']);
    expect(fit.problem).toMatch(/rated differently/);
  });

  it("a collection's measured column: learned with its R², non-numbers skipped, offered by name", async () => {
    // a made-up measurement that follows a structure feature: the number of halogens, so a fingerprint can learn it
    const smiles = ['c1ccccc1', 'Clc1ccccc1', 'Clc1ccc(Cl)cc1', 'Clc1cc(Cl)cc(Cl)c1', 'Brc1ccccc1', 'Brc1ccc(Br)cc1', 'Fc1ccccc1', 'Fc1ccc(F)cc1', 'Cc1ccccc1', 'Cc1ccc(Cl)cc1', 'Cc1ccc(Br)cc1', 'CCc1ccccc1', 'Ic1ccccc1', 'Ic1ccc(I)cc1', 'Oc1ccccc1', 'Oc1ccc(Cl)cc1'];
    const halogens = (s: string) => (s.match(/Cl|Br|F|I/g) ?? []).length;
    const id = createCollection(db, { name: 'assay', kind: 'imported' });
    insertMolecules(db, id, smiles.map((s, i) => ({ position: i + 1, name: null, smiles: s, canonicalSmiles: s, sourceLine: i + 1, userProps: { pIC50: 5 + halogens(s), comment: 'x', blank: i === 0 ? '7' : '' } })));
    insertMolecules(db, id, [{ position: 17, name: null, smiles: 'CCO', canonicalSmiles: 'CCO', sourceLine: 17, userProps: { pIC50: 'n.d.' } }]);
    updateCollectionCounts(db, id, { moleculeCount: 17, userColumns: ['pIC50', 'comment', 'blank'] });
    expect(columnValues(db, id, 'pIC50')).toHaveLength(16);
    expect(numericColumns(db, id, ['pIC50', 'comment', 'blank'])).toEqual([{ name: 'user:pIC50', count: 16 }, { name: 'user:blank', count: 1 }]);
    const w = new WorkspaceSurrogates(db, { collectionId: id, features: 'fingerprint', seed: 0 });
    const [fit] = await w.resolve(['user:pIC50:max']);
    expect(fit).toMatchObject({ name: 'user:pIC50', molecules: 16, available: 16, problem: null });
    expect(fit.cvR2).not.toBeNull();
    const o = parseObjective('user:pIC50:max', w.customs);
    expect(o.name).toBe('user:pIC50');
    expect(objectiveValue(o, {}, fingerprint('Clc1ccc(Cl)c(Cl)c1'))!).toBeGreaterThan(objectiveValue(o, {}, fingerprint('c1ccccc1'))!);
    // one number is not a column to learn from; no collection is no column at all
    await expect(new WorkspaceSurrogates(db, { collectionId: id, features: 'fingerprint', seed: 0 }).resolve(['user:blank'])).rejects.toThrow(/has 1 molecule with a number/);
    await expect(new WorkspaceSurrogates(db, { features: 'fingerprint', seed: 0 }).resolve(['user:pIC50'])).rejects.toThrow(/needs a collection/);
  });
});
