// What the table and the sidebar do with a collection besides showing it (issue 17, items 1, 2, 6): ids in the
// table's order (select all of a filter, a shift-click's range), molecules by id (a selection copied, opened,
// sent to Design), a selection kept as a collection or a candidate list, a duplicate, restore after an undoable
// delete, candidates taken out restorably and put back, and each user column's type judged from all its values.
import type { Handlers, MoleculeFilter, ParsedArgs } from '../api/contract.ts';
import type { ColumnType } from '../api/contract/collections.ts';
import { createCollection, updateCollectionCounts } from '../store/collections.ts';
import type { Db } from '../store/db.ts';
import { columnExpression } from '../store/molecules.ts';
import { removeMolecules, restoreCollection, restoreMolecules } from '../store/trash.ts';
import { CANDIDATE_COLUMNS, candidateColumns } from './candidate-handlers.ts';
import { badRequest, notFound, requireCollection } from './errors.ts';
import type { ModelIdentity } from './active-model-identity.ts';
import { keyExpression, moleculesByIds, whereClause, withConfidence } from './molecule-query.ts';

type ManageCalls =
  | 'collections.ids'
  | 'collections.moleculesByIds'
  | 'collections.createFromIds'
  | 'collections.duplicate'
  | 'collections.restore'
  | 'collections.columns'
  | 'candidates.removeMany'
  | 'candidates.restore';

/** The table's own window call: a substructure filter needs its search index, which lives with it. */
type Molecules = Handlers['collections.molecules'];

/** A column of at most this many distinct texts (and at most half its rows) is a category. */
const CATEGORY_MAX = 20;
/** A column is numeric when at least this share of its values are numbers ('>10', 'n/a' are qualifiers, not text). */
const NUMERIC_SHARE = 0.8;

/** Decimals a number was written with, float noise cut at 12 significant digits (276.42400000000004 → 3). */
export function decimalsOf(value: number): number {
  if (!Number.isFinite(value) || Number.isInteger(value)) return 0;
  const text = String(Number(value.toPrecision(12)));
  if (text.includes('e')) return 6;
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** `activeModel`: whose confidence the rows carry and 'model:fit' / 'model:held' order by (filter-handlers' chemHandlers). */
export function manageHandlers(db: Db, molecules: Molecules, onChanged: (collectionId: number | null) => void, activeModel: () => ModelIdentity | null = () => null): Pick<Handlers, ManageCalls> {
  const hasRanges = (f: MoleculeFilter | undefined) => !!f?.ranges.some((r) => r.min !== undefined || r.max !== undefined);
  /** collections.columns' answers, by collection, with what they were judged on (size and columns) */
  const columnTypes = new Map<number, { key: string; columns: ColumnType[] }>();

  /** Ids in the table's order, as collections.molecules sorts (rows without a value last, in file order). */
  const orderedIds = async ({ collectionId, sort, filter, offset, limit }: ParsedArgs<'collections.ids'>) => {
    requireCollection(db, collectionId);
    if (filter?.substructure) {
      // the substructure's matches come from the table's own call, a page at a time
      const ids: number[] = [];
      let total = 0;
      for (let at = offset; ids.length < limit; at += 2000) {
        const page = await molecules({ collectionId, offset: at, limit: Math.min(2000, limit - ids.length), sort, filter });
        total = page.total;
        ids.push(...page.rows.map((r) => r.id));
        if (page.rows.length === 0 || at + page.rows.length >= page.total) break;
      }
      return { ids, total };
    }
    const sha = activeModel()?.sha256 ?? null;
    const where = whereClause(collectionId, hasRanges(filter) ? filter : undefined, undefined, sha);
    const expr = keyExpression(sort?.key ?? 'position', sha);
    const dir = sort?.descending ? 'DESC' : 'ASC';
    // unfiltered, the store's window keeps the empty rows in file order either way; filtered, listWhere's order
    const nulls = hasRanges(filter) ? `id ${dir}` : 'id ASC';
    const ids = db
      .prepare(
        `SELECT id FROM molecules WHERE ${where.sql}
          ORDER BY (${expr}) IS NULL, CASE WHEN (${expr}) IS NOT NULL THEN ${expr} END ${dir},
                   CASE WHEN (${expr}) IS NOT NULL THEN id END ${dir}, ${nulls} LIMIT ? OFFSET ?`,
      )
      .pluck()
      .all(...where.params, limit, offset) as number[];
    const total = (db.prepare(`SELECT count(*) FROM molecules WHERE ${where.sql}`).pluck().get(...where.params) as number) ?? 0;
    return { ids, total };
  };

  /** Copies molecules (by id, in file order) into a new collection, properties and columns with them. */
  const copyInto = (target: number, sourceId: number, ids: readonly number[] | null, extra: ((userProps: string | null) => string | null) | null) => {
    const rows = (
      ids
        ? db.prepare('SELECT * FROM molecules WHERE collection_id = ? AND id IN (SELECT value FROM json_each(?)) ORDER BY position').all(sourceId, JSON.stringify(ids))
        : db.prepare('SELECT * FROM molecules WHERE collection_id = ? ORDER BY position').all(sourceId)
    ) as Record<string, unknown>[];
    const insert = db.prepare(
      `INSERT INTO molecules (collection_id, position, name, smiles, canonical_smiles, source_line, props, mol_wt, clogp, tpsa, hbd, hba, user_props)
       VALUES (@collection_id, @position, @name, @smiles, @canonical_smiles, @source_line, @props, @mol_wt, @clogp, @tpsa, @hbd, @hba, @user_props)`,
    );
    rows.forEach((r, i) => insert.run({ ...r, collection_id: target, position: i + 1, user_props: extra ? extra(r.user_props as string | null) : r.user_props }));
    const done = db.prepare('SELECT count(*) FROM molecules WHERE collection_id = ? AND props IS NOT NULL').pluck().get(target) as number;
    return { copied: rows.length, done };
  };

  return {
    'collections.ids': orderedIds,

    'collections.moleculesByIds': async ({ ids }) => ({ rows: withConfidence(db, moleculesByIds(db, ids), activeModel()?.sha256) }),

    'collections.createFromIds': async ({ collectionId, ids, name, kind }) => {
      const source = requireCollection(db, collectionId);
      const keptAt = new Date().toISOString();
      const id = db.transaction(() => {
        const id = createCollection(db, { name, kind, sourcePath: source.sourcePath });
        // a candidate list: each molecule kept by hand (provenance 'manual'), its file's columns beside
        const manual = candidateColumns(
          { operation: 'manual', seed: null, params: { from: source.name, collectionId }, model: null, modelSha256: null, randomSeed: null, createdAt: keptAt },
          0,
          '',
          keptAt,
        );
        const extra = kind === 'candidates' ? (user: string | null) => JSON.stringify({ ...(JSON.parse(user ?? '{}') as object), ...manual }) : null;
        const { copied, done } = copyInto(id, collectionId, ids, extra);
        if (copied === 0) throw badRequest(`None of the ${ids.length} molecules given is in '${source.name}' (id ${collectionId}).`);
        const userColumns = kind === 'candidates' ? [...CANDIDATE_COLUMNS, ...source.userColumns.filter((c) => !(CANDIDATE_COLUMNS as readonly string[]).includes(c))] : source.userColumns;
        updateCollectionCounts(db, id, { moleculeCount: copied, propertiesDone: done, problemCount: 0, duplicateCount: 0, userColumns });
        return id;
      }).immediate();
      onChanged(id);
      return requireCollection(db, id);
    },

    'collections.duplicate': async ({ id: sourceId, name }) => {
      const source = requireCollection(db, sourceId);
      const id = db.transaction(() => {
        const id = createCollection(db, { name: name ?? `${source.name} (copy)`, kind: source.kind, sourcePath: source.sourcePath });
        const { copied, done } = copyInto(id, sourceId, null, null);
        updateCollectionCounts(db, id, { moleculeCount: copied, propertiesDone: done, problemCount: 0, duplicateCount: source.duplicateCount, userColumns: source.userColumns });
        // the source's import problems are the copy's too: the same file's lines
        db.prepare('INSERT INTO problems (collection_id, file, line, record, reason, text, severity) SELECT ?, file, line, record, reason, text, severity FROM problems WHERE collection_id = ?').run(id, sourceId);
        updateCollectionCounts(db, id, { problemCount: db.prepare("SELECT count(*) FROM problems WHERE collection_id = ? AND (severity IS NULL OR severity = 'warning')").pluck().get(id) as number });
        return id;
      }).immediate();
      onChanged(id);
      return requireCollection(db, id);
    },

    'collections.restore': async ({ id }) => {
      if (!restoreCollection(db, id)) throw notFound(`There is no deleted collection with id ${id} to restore (it was restored already, or deleted for good).`);
      onChanged(id);
      return requireCollection(db, id);
    },

    'collections.columns': async ({ collectionId }) => {
      const c = requireCollection(db, collectionId);
      // one pass over every value is seconds at 250,000 rows: kept while the collection's size and columns stay
      const key = `${c.moleculeCount} ${JSON.stringify(c.userColumns)}`;
      const hit = columnTypes.get(collectionId);
      if (hit?.key === key) return { columns: hit.columns };
      const total = db.prepare('SELECT count(*) FROM molecules WHERE collection_id = ?').pluck().get(collectionId) as number;
      // one pass over the collection's user values: per column and JSON type, how many and how many distinct
      const byType = db
        .prepare(
          `SELECT j.key AS key, j.type AS type, count(*) AS n,
                  sum(CASE WHEN j.type IN ('integer', 'real') AND j.value NOT IN (0, 1) THEN 1 ELSE 0 END) AS not01
             FROM molecules m, json_each(m.user_props) j
            WHERE m.collection_id = ? AND j.type <> 'null' AND NOT (j.type = 'text' AND trim(j.value) = '')
            GROUP BY j.key, j.type`,
        )
        .all(collectionId) as { key: string; type: string; n: number; not01: number }[];
      // distinct texts, asked only of the columns that hold texts (a second pass per such column, not per number)
      const distinctTexts = (name: string) => {
        const expr = columnExpression(`user:${name}`);
        if (expr === null) return 0; // a name that cannot be a JSON path: judged as text
        return db
          .prepare(`SELECT count(DISTINCT v) FROM (SELECT ${expr} AS v FROM molecules WHERE collection_id = ?) WHERE typeof(v) = 'text' AND trim(v) <> ''`)
          .pluck()
          .get(collectionId) as number;
      };
      // the decimals of up to 2,000 real values per column: enough to see how the file writes them
      const reals = db.prepare(
        `SELECT j.value FROM molecules m, json_each(m.user_props) j WHERE m.collection_id = ? AND j.key = ? AND j.type = 'real' LIMIT 2000`,
      );
      const columns: ColumnType[] = c.userColumns.map((name) => {
        const parts = byType.filter((r) => r.key === name);
        const count = parts.reduce((s, r) => s + r.n, 0);
        const numbers = parts.filter((r) => r.type === 'integer' || r.type === 'real');
        const numeric = numbers.reduce((s, r) => s + r.n, 0);
        const texts = parts.filter((r) => r.type === 'text' || r.type === 'true' || r.type === 'false');
        const textual = texts.some((r) => r.type === 'text') && numeric < NUMERIC_SHARE * count;
        const distinct = textual ? distinctTexts(name) : 0;
        let type: ColumnType['type'] = 'text';
        let decimals = 0;
        if (count > 0 && numeric >= NUMERIC_SHARE * count) {
          const real = numbers.find((r) => r.type === 'real');
          if (!numbers.some((r) => r.not01) && numeric === count) type = 'boolean';
          else if (!real) type = 'integer';
          else {
            type = 'number';
            const ds = (reals.pluck().all(collectionId, name) as number[]).map(decimalsOf).sort((a, b) => a - b);
            // most of the values' decimals (the 90th percentile): one long outlier does not widen a column
            decimals = Math.min(6, ds[Math.floor(0.9 * (ds.length - 1))] ?? 2);
          }
        } else if (count === 0) type = 'text';
        else if (texts.every((r) => r.type !== 'text')) type = 'boolean';
        else if (distinct > 0 && distinct <= CATEGORY_MAX && distinct <= Math.max(2, count / 2)) type = 'category';
        return { key: `user:${name}`, type, count, missing: total - count, distinct, decimals };
      });
      columnTypes.set(collectionId, { key, columns });
      return { columns };
    },

    'candidates.removeMany': async ({ moleculeIds }) => {
      const rows = db.prepare('SELECT DISTINCT collection_id FROM molecules WHERE id IN (SELECT value FROM json_each(?))').pluck().all(JSON.stringify(moleculeIds)) as number[];
      if (rows.length === 0) return { removed: 0, undo: null };
      if (rows.length > 1) throw badRequest('The molecules to remove are in several collections: remove them from one candidate list at a time.');
      const list = requireCollection(db, rows[0]);
      if (list.kind !== 'candidates') throw badRequest(`'${list.name}' is not a candidate list: molecules are removed from candidate lists only.`);
      const result = db.transaction(() => {
        const r = removeMolecules(db, list.id, moleculeIds);
        updateCollectionCounts(db, list.id, {
          moleculeCount: db.prepare('SELECT count(*) FROM molecules WHERE collection_id = ?').pluck().get(list.id) as number,
          propertiesDone: db.prepare('SELECT count(*) FROM molecules WHERE collection_id = ? AND props IS NOT NULL').pluck().get(list.id) as number,
        });
        return r;
      }).immediate();
      onChanged(list.id);
      return result;
    },

    'candidates.restore': async ({ undo }) => {
      const result = db.transaction(() => {
        const r = restoreMolecules(db, undo);
        if (r.collectionId !== null) {
          updateCollectionCounts(db, r.collectionId, {
            moleculeCount: db.prepare('SELECT count(*) FROM molecules WHERE collection_id = ?').pluck().get(r.collectionId) as number,
            propertiesDone: db.prepare('SELECT count(*) FROM molecules WHERE collection_id = ? AND props IS NOT NULL').pluck().get(r.collectionId) as number,
          });
        }
        return r;
      }).immediate();
      if (result.collectionId === null) throw notFound(`Nothing to restore for undo ${undo} (restored already, or older than a day).`);
      onChanged(result.collectionId);
      return { restored: result.restored, listId: result.collectionId };
    },
  };
}
