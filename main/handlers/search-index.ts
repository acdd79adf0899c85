// One MoleculeIndex (Morgan fingerprints + RDKit SubstructLibrary) per collection, built on first search and
// kept for the next ones: a collection's molecules do not change after its import, so the index stays
// right until the collection is deleted. SQLite may give a later collection the same id, so an entry is
// known by the collection's creation time and its molecules' count and id range too. Two at most are kept.
import { loadRDKit, rdkitGeneration } from '../chem/rdkit.ts';
import { MoleculeIndex, QueryError, type QueryMode } from '../chem/search.ts';
import type { Db } from '../store/db.ts';
import { badRequest } from './errors.ts';

interface Entry {
  collectionId: number;
  /** what the collection looked like when the index was built */
  stamp: string;
  generation: number;
  index: MoleculeIndex;
  /** index position -> molecule id */
  ids: number[];
}

const MAX_ENTRIES = 2;

export class SearchIndexes {
  private entries: Entry[] = [];

  constructor(private readonly db: Db) {}

  async get(collectionId: number): Promise<Entry> {
    await loadRDKit();
    const s = this.db
      .prepare('SELECT c.created_at AS t, count(m.id) AS n, min(m.id) AS lo, max(m.id) AS hi FROM collections c LEFT JOIN molecules m ON m.collection_id = c.id WHERE c.id = ?')
      .get(collectionId) as { t: string | null; n: number; lo: number | null; hi: number | null };
    const stamp = `${s.t}|${s.n}|${s.lo}|${s.hi}`;
    const hit = this.entries.find((e) => e.collectionId === collectionId);
    if (hit && hit.stamp === stamp && hit.generation === rdkitGeneration()) return hit;
    if (hit) this.drop(hit);
    const rows = this.db.prepare('SELECT id, canonical_smiles AS s FROM molecules WHERE collection_id = ? ORDER BY id').all(collectionId) as { id: number; s: string }[];
    const entry: Entry = {
      collectionId,
      stamp,
      generation: rdkitGeneration(),
      index: MoleculeIndex.build(rows.map((r) => r.s)),
      ids: rows.map((r) => r.id),
    };
    this.entries.unshift(entry);
    while (this.entries.length > MAX_ENTRIES) this.drop(this.entries[this.entries.length - 1]);
    return entry;
  }

  /** Ids of the molecules containing the query (SMARTS unless mode is 'smiles'), in file order. */
  async substructureIds(collectionId: number, query: string, mode: QueryMode = 'smarts'): Promise<number[]> {
    const e = await this.get(collectionId);
    return asUserError(() => e.index.substructure(query, { mode }).map((i) => e.ids[i]));
  }

  /** The k most similar molecules (ids with their Tanimoto similarity), best first; `among` restricts the candidates. */
  async similarIds(collectionId: number, smiles: string, k: number, among?: readonly number[]): Promise<{ id: number; similarity: number }[]> {
    const e = await this.get(collectionId);
    if (!among) return asUserError(() => e.index.similar(smiles, k).map((h) => ({ id: e.ids[h.index], similarity: h.similarity })));
    // rank only the substructure's matches: a small index of just those (fingerprints only)
    const allowed = new Set(among);
    const rows = this.db.prepare('SELECT id, canonical_smiles AS s FROM molecules WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id').all(JSON.stringify([...allowed])) as { id: number; s: string }[];
    const sub = MoleculeIndex.build(rows.map((r) => r.s), { substructure: false });
    return asUserError(() => sub.similar(smiles, k).map((h) => ({ id: rows[h.index].id, similarity: h.similarity })));
  }

  /** A collection's Morgan fingerprints by molecule id, from its index (computed once, shared with the searches). */
  async fingerprints(collectionId: number): Promise<(id: number) => Uint32Array | null> {
    const e = await this.get(collectionId);
    const at = new Map(e.ids.map((id, i) => [id, i]));
    return (id) => {
      const i = at.get(id);
      return i === undefined ? null : e.index.fingerprintAt(i);
    };
  }

  close(): void {
    for (const e of [...this.entries]) this.drop(e);
  }

  private drop(e: Entry): void {
    e.index.dispose();
    this.entries = this.entries.filter((x) => x !== e);
  }
}

/** A query RDKit cannot read is the user's mistake: 400 with RDKit's reason. */
function asUserError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof QueryError) throw badRequest(err.message);
    throw err;
  }
}
