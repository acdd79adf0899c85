// node --import tsx main/store/bench-sort.ts — how long the virtualized table waits for a window of a
// 250k-molecule collection in each order (typed property columns, name and canonical SMILES walk their index;
// other keys are sorted once and kept until the workspace changes). Prints one JSON line of milliseconds per
// window (median of 5) at the start, middle and end; for keys without an index also the first window after a
// write (`cold`: the sort itself), and in the end the molecules table's index count and the file's size.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCollection } from './collections.ts';
import { openWorkspace } from './db.ts';
import { insertMolecules, listMolecules, setProperties } from './molecules.ts';

const N = Number(process.env.BENCH_ROWS ?? 250_000);
const dir = mkdtempSync(join(tmpdir(), 'molscape-sort-'));
const db = openWorkspace(join(dir, 'sort.sqlite'));
const cid = createCollection(db, { name: 'sort', kind: 'imported' });
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const t0 = performance.now();
for (let i = 0; i < N; i += 5000) {
  const rows = Array.from({ length: Math.min(5000, N - i) }, (_, j) => {
    const smiles = `C${'C'.repeat(Math.floor(rand() * 30))}O${i + j}`;
    return { position: i + j + 1, name: `ZINC${Math.floor(rand() * 1e9)}`, smiles, canonicalSmiles: smiles, sourceLine: i + j + 1, userProps: { pIC50: rand() * 10 } };
  });
  db.transaction(() => insertMolecules(db, cid, rows)).immediate();
}
const ids = (db.prepare('SELECT id FROM molecules WHERE collection_id = ?').pluck().all(cid) as number[]);
for (let i = 0; i < ids.length; i += 5000) {
  // every 10th molecule stays without properties, as while the properties job runs
  const batch = ids.slice(i, i + 5000).filter((_, k) => k % 10).map((id) => ({ id, props: { mol_wt: 150 + rand() * 400, clogp: rand() * 8 - 2, tpsa: rand() * 140, hbd: Math.floor(rand() * 5), hba: Math.floor(rand() * 10), qed: rand() } }));
  db.transaction(() => setProperties(db, batch)).immediate();
}
const loadSeconds = (performance.now() - t0) / 1000;
const timeWindow = (key: string, descending: boolean, offset: number) => {
  const times: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    listMolecules(db, cid, offset, 100, { key, descending });
    times.push(performance.now() - t);
  }
  return +times.sort((a, b) => a - b)[2].toFixed(2);
};
const result: Record<string, unknown> = { bench: 'store-sort', rows: N, load_s: +loadSeconds.toFixed(1) };
for (const key of ['position', 'mol_wt', 'clogp', 'hbd', 'name', 'canonicalSmiles', 'smiles', 'qed', 'user:pIC50']) {
  for (const descending of [false, true]) result[`${key}${descending ? ' desc' : ''}_ms`] = [0, Math.floor(N / 2), N - 100].map((o) => timeWindow(key, descending, o));
  // a write (any, from any connection) makes a kept order stale: the next window sorts again
  db.prepare('UPDATE collections SET name = name WHERE id = ?').run(cid);
  const t = performance.now();
  listMolecules(db, cid, Math.floor(N / 2), 100, { key, descending: false });
  result[`${key}_cold_ms`] = +(performance.now() - t).toFixed(2);
}
result.molecule_indexes = db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'molecules'").pluck().get();
db.pragma('wal_checkpoint(TRUNCATE)');
result.file_mb = +(statSync(join(dir, 'sort.sqlite')).size / 1e6).toFixed(1);
console.log(JSON.stringify(result));
db.close();
rmSync(dir, { recursive: true, force: true });
