// Candidate lists through the core as hosts call it (arguments through the contract's schemas), with the
// real workspace file and real RDKit: keep, update, remove, the same table with filters and sorting, export
// read back with the project's readers with the provenance intact, and the SVG grid parsed as XML.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallName, Provenance } from '../api/contract.ts';
import { canonicalSmiles } from '../design/canonical.ts';
import { collect } from '../files/collect.ts';
import { readMoleculeFile } from '../files/read.ts';
import { tempDir } from '../store/test-util.ts';
import { CANDIDATE_COLUMNS } from './candidate-handlers.ts';
import { createCore } from './core.ts';
import { checkedCall } from './test-core.ts';
import type { LocalCore } from './types.ts';

/** The little of jsdom's XML DOM the grid test reads (the Node tsconfig has no DOM types, jsdom ships none). */
interface XmlElement {
  tagName: string;
  textContent: string | null;
  children: Iterable<XmlElement>;
  getAttribute(name: string): string | null;
  getElementsByTagName(name: string): XmlElement[] & { length: number };
}
/** jsdom's DOMParser: a real XML parser, which reports a document that is not well-formed as <parsererror>. */
async function parseXml(text: string): Promise<{ documentElement: XmlElement; getElementsByTagName(name: string): { length: number } }> {
  const { JSDOM } = (await import('jsdom' as string)) as { JSDOM: new (html: string) => { window: { DOMParser: new () => { parseFromString(s: string, type: string): never } } } };
  return new new JSDOM('').window.DOMParser().parseFromString(text, 'image/svg+xml');
}

const provenance = (operation: Provenance['operation'], seed: string | null, params: Record<string, unknown>, randomSeed: number | null): Provenance => ({
  operation,
  seed,
  params,
  model: 'zinc250k',
  modelSha256: 'ab'.repeat(32),
  randomSeed,
  createdAt: '2026-11-21T14:00:00.000Z',
});

describe('candidate lists', () => {
  const tmp = tempDir();
  let core: LocalCore;
  beforeEach(async () => {
    core = await createCore({ workspace: tmp.file('w.sqlite'), host: 'test' });
  });
  afterEach(async () => {
    await core.close();
    tmp.remove();
  });

  const call = <N extends CallName>(name: N, args: unknown) => checkedCall(core, name, args);

  /** Three molecules kept in the list 'Meeting, Tuesday' (a name an export must turn into a file name). */
  async function keepThree() {
    const walk = provenance('walk', 'CCOc1ccccc1', { offsets: [{ direction: 'clogp+', amount: 1.5 }] }, 0);
    const a = await call('candidates.keep', { listName: 'Meeting, Tuesday', smiles: 'OCc1ccccc1', provenance: walk, rating: 4, note: 'ok, but "maybe" — check tox' });
    const b = await call('candidates.keep', { listId: a.list.id, smiles: 'c1ccncc1', name: 'pyridine', provenance: provenance('neighbours', 'c1ccccc1', { radius: 0.5, n: 100 }, 7) });
    const c = await call('candidates.keep', { listName: 'Meeting, Tuesday', smiles: 'CC(=O)Nc1ccc(O)cc1', provenance: provenance('manual', null, {}, null), rating: 2 });
    return { walk, a, b, c };
  }

  it('keeps molecules with their properties, rating, note and provenance as user columns', async () => {
    const changed: (number | null)[] = [];
    core.onEvent((event, payload) => event === 'collections.changed' && changed.push((payload as { collectionId: number | null }).collectionId));
    const { walk, a, b, c } = await keepThree();
    expect(a.list.id).toBe(b.list.id);
    expect(c.list.id).toBe(a.list.id);
    expect(c.list).toMatchObject({ kind: 'candidates', name: 'Meeting, Tuesday', moleculeCount: 3, propertiesDone: 3 });
    expect(c.list.userColumns).toEqual([...CANDIDATE_COLUMNS]);
    expect(changed).toEqual([a.list.id, a.list.id, a.list.id]);

    // canonicalized by RDKit, properties computed at once
    expect(a.molecule.canonicalSmiles).toBe(canonicalSmiles('OCc1ccccc1'));
    expect(a.molecule.props.mol_wt).toBeCloseTo(108.14, 1);
    expect(typeof a.molecule.props.qed).toBe('number');
    expect([a.molecule.position, b.molecule.position, c.molecule.position]).toEqual([1, 2, 3]);
    expect(b.molecule.name).toBe('pyridine');
    expect(a.molecule.userProps).toMatchObject({
      rating: 4, note: 'ok, but "maybe" — check tox', operation: 'walk', seed: 'CCOc1ccccc1', model: 'zinc250k',
      model_sha256: walk.modelSha256, random_seed: 0, created_at: walk.createdAt,
    });
    expect(JSON.parse(a.molecule.userProps.parameters as string)).toEqual(walk.params);
    expect(Date.parse(a.molecule.userProps.kept_at as string)).not.toBeNaN();
    expect(b.molecule.userProps).toMatchObject({ rating: 0, note: '', random_seed: 7 });
    expect(c.molecule.userProps).toMatchObject({ seed: null, random_seed: null });

    // a name that is not there yet makes a new list; the default name when none is given
    const other = await call('candidates.keep', { smiles: 'CCN', provenance: provenance('decode', null, {}, null) });
    expect(other.list).toMatchObject({ name: 'Candidates', kind: 'candidates', moleculeCount: 1 });
    expect(other.list.id).not.toBe(a.list.id);

    // the same table: sorted and filtered by the rating column
    const byRating = await call('collections.molecules', { collectionId: a.list.id, offset: 0, limit: 10, sort: { key: 'user:rating', descending: true } });
    expect(byRating.rows.map((r) => r.userProps.rating)).toEqual([4, 2, 0]);
    const good = await call('collections.molecules', { collectionId: a.list.id, offset: 0, limit: 10, filter: { ranges: [{ key: 'user:rating', min: 2 }] } });
    expect(good.total).toBe(2);
    const stats = await call('collections.propertyStats', { collectionId: a.list.id });
    expect(stats.stats.find((s) => s.key === 'user:rating')).toEqual({ key: 'user:rating', min: 0, max: 4, count: 3 });
  });

  it('updates the rating and note, removes molecules with the counts and positions kept right, and refuses what is not a candidate', async () => {
    const { a, b, c } = await keepThree();
    const updated = await call('candidates.update', { moleculeId: b.molecule.id, rating: 5 });
    expect(updated.userProps).toMatchObject({ rating: 5, note: '', operation: 'neighbours' });
    const noted = await call('candidates.update', { moleculeId: b.molecule.id, note: 'make it' });
    expect(noted.userProps).toMatchObject({ rating: 5, note: 'make it' });
    expect((await call('candidates.update', { moleculeId: b.molecule.id, rating: 0 })).userProps.rating).toBe(0);

    expect(await call('candidates.remove', { moleculeId: a.molecule.id })).toEqual({ removed: true });
    expect(await call('candidates.remove', { moleculeId: a.molecule.id })).toEqual({ removed: false });
    expect(await call('collections.get', { id: a.list.id })).toMatchObject({ moleculeCount: 2, propertiesDone: 2 });
    const rest = await call('collections.molecules', { collectionId: a.list.id, offset: 0, limit: 10 });
    expect(rest.rows.map((r) => [r.id, r.position])).toEqual([[b.molecule.id, 1], [c.molecule.id, 2]]);
    // the next keep goes to the end
    const d = await call('candidates.keep', { listId: a.list.id, smiles: 'CCCC', provenance: provenance('manual', null, {}, null) });
    expect(d.molecule.position).toBe(3);

    // a filtered copy is an ordinary collection, not a candidate list
    const copy = await call('collections.createFromFilter', { collectionId: a.list.id, filter: { ranges: [] }, name: 'copy' });
    const copied = (await call('collections.molecules', { collectionId: copy.id, offset: 0, limit: 1 })).rows[0];
    await expect(call('candidates.update', { moleculeId: copied.id, rating: 1 })).rejects.toMatchObject({ status: 400, message: expect.stringContaining('not a candidate list') });
    await expect(call('candidates.remove', { moleculeId: copied.id })).rejects.toMatchObject({ status: 400 });
    await expect(call('candidates.keep', { listId: copy.id, smiles: 'CCO', provenance: provenance('manual', null, {}, null) })).rejects.toMatchObject({ status: 400 });
    await expect(call('candidates.keep', { listId: 9999, smiles: 'CCO', provenance: provenance('manual', null, {}, null) })).rejects.toMatchObject({ status: 404 });
    await expect(call('candidates.keep', { listId: a.list.id, smiles: 'C1CC', provenance: provenance('manual', null, {}, null) })).rejects.toMatchObject({ status: 400, message: expect.stringContaining('C1CC') });
    await expect(call('candidates.update', { moleculeId: 9999, rating: 1 })).rejects.toMatchObject({ status: 404 });
    expect(await call('collections.get', { id: a.list.id })).toMatchObject({ moleculeCount: 3 });
  });

  it('exports a list as CSV and SD file that the project readers read back with the provenance intact', async () => {
    const { walk, a } = await keepThree();
    for (const format of ['csv', 'sdf'] as const) {
      const path = tmp.file(`list.${format}`);
      expect(await call('collections.export', { collectionId: a.list.id, format, path })).toMatchObject({ count: 3 });
      if (format === 'csv') {
        const header = readFileSync(path, 'utf8').split('\n')[0].split(',');
        expect(header[0]).toBe('smiles');
        for (const col of CANDIDATE_COLUMNS) expect(header).toContain(col);
      }
      const { records, problems } = await collect(readMoleculeFile(path));
      expect(problems).toEqual([]);
      expect(records).toHaveLength(3);
      const first = records[0];
      expect(canonicalSmiles(first.structure)).toBe(a.molecule.canonicalSmiles);
      expect(first.userProps).toMatchObject({
        rating: 4, note: 'ok, but "maybe" — check tox', operation: 'walk', seed: walk.seed, model: 'zinc250k',
        model_sha256: walk.modelSha256, random_seed: 0, created_at: walk.createdAt, kept_at: a.molecule.userProps.kept_at,
      });
      expect(JSON.parse(first.userProps.parameters as string)).toEqual(walk.params);
      expect(records[1].name).toBe('pyridine');
      expect(records[1].userProps).toMatchObject({ operation: 'neighbours', random_seed: 7 });
    }
  });

  it('draws a list as one well-formed SVG grid with escaped legends', async () => {
    const { a } = await keepThree();
    await call('candidates.keep', { listId: a.list.id, smiles: 'CCO', name: 'a <b> & "c"', provenance: provenance('manual', null, {}, null), rating: 1 });
    const grid = await call('collections.grid', {
      collectionId: a.list.id, columns: 3, cellWidth: 200, legend: ['name', 'smiles', 'mol_wt', 'user:rating'], sort: { key: 'user:rating', descending: true },
    });
    expect(grid.count).toBe(4);
    const doc = await parseXml(grid.svg);
    expect(doc.getElementsByTagName('parsererror')).toHaveLength(0);
    const root = doc.documentElement;
    expect(root.tagName).toBe('svg');
    expect(root.getAttribute('width')).toBe('600');
    const cells = [...root.children].filter((e) => e.getAttribute('class') === 'cell');
    expect(cells).toHaveLength(4);
    // each cell: one nested RDKit drawing placed in the grid, then its legend lines
    const drawings = cells.map((cell) => cell.getElementsByTagName('svg')[0]);
    expect(drawings.map((d) => [d.getAttribute('x'), d.getAttribute('y')])).toEqual([['0', '0'], ['200', '0'], ['400', '0'], ['0', drawings[3].getAttribute('y')]]);
    expect(Number(drawings[3].getAttribute('y'))).toBeGreaterThanOrEqual(150);
    const legends = cells.map((cell) => [...cell.children].filter((e) => e.tagName === 'text').map((t) => t.textContent));
    // sorted by rating, highest first; the odd name comes back as written
    expect(legends[0]).toEqual(['#1', a.molecule.canonicalSmiles, 'MW: 108.14', 'rating: 4']);
    expect(legends[2][0]).toBe('a <b> & "c"');
    expect(legends[3][3]).toBe('rating: 0');

    const filtered = await call('collections.grid', { collectionId: a.list.id, filter: { ranges: [{ key: 'user:rating', min: 2 }] } });
    expect(filtered.count).toBe(2);
  });
});
