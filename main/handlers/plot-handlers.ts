// What plots and live counts read from a collection: columns for a scatter plot in one compact answer (typed
// arrays as base64, not 250,000 row objects), per-column statistics (d3-array) with histogram bins, and the count
// of molecules passing a filter, answered without a 400 when the substructure query does not parse (the UI
// counts as the chemist types).
import { deviation, extent, mean, median } from 'd3-array';
import type { Handlers, MoleculeFilter } from '../api/contract.ts';
import type { ColumnStat } from '../api/contract/plots.ts';
import { loadRDKit } from '../chem/rdkit.ts';
import { parseQuery, QueryError } from '../chem/search.ts';
import type { Db } from '../store/db.ts';
import { requireCollection } from './errors.ts';
import { countWhere, keyExpression, type Where } from './molecule-query.ts';

type PlotCalls = 'collections.columnValues' | 'collections.columnStats' | 'collections.count';

/** The filter's WHERE clause, the substructure's matches looked up first (filter-handlers' whereFor). */
export type WhereFor = (collectionId: number, filter: MoleculeFilter | undefined) => Promise<Where>;

const toBase64 = (a: Float32Array | Int32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

/**
 * The bins of a column: one per integer when the values are whole numbers over a short span, else `bins` equal
 * widths from the minimum to the maximum (or over `range`; values outside it are not counted). Counted in one
 * pass: the maximum goes in the last bin, as numpy and d3 close it.
 */
export function histogram(values: readonly number[], bins: number, range?: [number, number]): { edges: number[]; counts: number[] } {
  const [lo, hi] = range ?? (extent(values) as [number | undefined, number | undefined]);
  if (lo === undefined || hi === undefined) return { edges: [], counts: [] };
  let whole = hi - lo <= 60 && Number.isInteger(lo) && Number.isInteger(hi);
  for (let i = 0; whole && i < values.length; i++) whole = Number.isInteger(values[i]);
  let edges: number[];
  if (whole) edges = Array.from({ length: hi - lo + 2 }, (_, i) => lo - 0.5 + i);
  else if (hi === lo) edges = [lo - 0.5, hi + 0.5];
  // the last edge is the maximum itself (lo + (hi - lo) can round past it)
  else edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + ((hi - lo) * i) / bins));
  const n = edges.length - 1;
  const first = edges[0];
  const last = edges[n];
  const width = (last - first) / n;
  const counts = new Array<number>(n).fill(0);
  for (const v of values) {
    if (!(v >= first && v <= last)) continue;
    let k = Math.floor((v - first) / width);
    // the computed slot can be one off at an edge: the edges themselves decide
    if (k >= n) k = n - 1;
    else if (k > 0 && v < edges[k]) k--;
    else if (k < n - 1 && v >= edges[k + 1]) k++;
    counts[k]++;
  }
  return { edges, counts };
}

export function columnStat(key: string, values: readonly number[], rows: number, bins: number, range?: [number, number]): ColumnStat {
  const [min, max] = extent(values) as [number | undefined, number | undefined];
  const { edges, counts } = histogram(values, bins, range);
  return {
    key,
    count: values.length,
    missing: rows - values.length,
    mean: mean(values) ?? null,
    median: median(values) ?? null,
    sd: deviation(values) ?? null,
    min: min ?? null,
    max: max ?? null,
    edges,
    counts,
  };
}

/**
 * The numeric values of `keys` for the molecules `where` selects, in id order (null where missing or not a number;
 * a JSON true or false reads 1 or 0, as json_extract gives it). SQLite extracts each key (json_extract per key is
 * about three times faster than parsing each row's JSON here for the few keys a plot asks, and as fast for 18).
 */
export function readColumns(db: Db, where: Where, keys: readonly string[]): { ids: number[]; values: (number | null)[][] } {
  const exprs = keys.map((k) => {
    const e = keyExpression(k, where.modelSha256); // a key that cannot be a column is a 400
    return `CASE WHEN typeof(${e}) IN ('integer', 'real') THEN ${e} END`;
  });
  const stmt = db.prepare(`SELECT id, ${exprs.join(', ')} FROM molecules WHERE ${where.sql} ORDER BY id`).raw(true);
  const ids: number[] = [];
  const values = keys.map(() => [] as (number | null)[]);
  for (const row of stmt.iterate(...where.params) as Iterable<unknown[]>) {
    ids.push(row[0] as number);
    for (let k = 0; k < keys.length; k++) values[k].push(row[k + 1] as number | null);
  }
  return { ids, values };
}

export function plotHandlers(db: Db, whereFor: WhereFor): Pick<Handlers, PlotCalls> {
  return {
    'collections.columnValues': async ({ collectionId, keys, filter }) => {
      requireCollection(db, collectionId);
      const { ids, values } = readColumns(db, await whereFor(collectionId, filter), keys);
      return {
        count: ids.length,
        ids: toBase64(Int32Array.from(ids)),
        columns: keys.map((key, k) => ({ key, values: toBase64(Float32Array.from(values[k], (v) => (v === null ? Number.NaN : v))) })),
      };
    },

    'collections.columnStats': async ({ collectionId, keys, bins, filter, binRanges }) => {
      requireCollection(db, collectionId);
      const ranges = keys.map((k) => {
        const r = binRanges?.[k];
        return r && Number.isFinite(r[0]) && Number.isFinite(r[1]) && r[0] <= r[1] ? r : undefined;
      });
      const where = await whereFor(collectionId, filter);
      const read = readColumns(db, where, keys);
      const rows = read.ids.length;
      const values = read.values.map((column) => column.filter((v): v is number => v !== null));
      return { rows, stats: keys.map((key, k) => columnStat(key, values[k], rows, bins, ranges[k])) };
    },

    'collections.count': async ({ collectionId, filter }) => {
      requireCollection(db, collectionId);
      const query = filter.substructure?.trim();
      if (query) {
        // the query read first, as the search will read it: a typo is an answer here, not a failed request
        await loadRDKit();
        try {
          parseQuery(query, filter.mode ?? 'smarts').delete();
        } catch (err) {
          if (err instanceof QueryError) return { count: null, queryError: err.message };
          throw err;
        }
      }
      return { count: countWhere(db, await whereFor(collectionId, filter)), queryError: null };
    },
  };
}
