// What plots and live counts read from a collection: columns for a scatter plot in one compact answer (typed
// arrays as base64, not 250,000 row objects), per-column statistics with histogram bins (d3-array), and the count
// of molecules passing a filter, answered without a 400 when the substructure query does not parse (the UI
// counts as the chemist types).
import { bin, deviation, extent, mean, median } from 'd3-array';
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

/** The bins of a column: one per integer when the values are whole numbers over a short span, else `bins` equal widths. */
export function histogram(values: readonly number[], bins: number, range?: [number, number]): { edges: number[]; counts: number[] } {
  const [lo, hi] = range ?? (extent(values) as [number | undefined, number | undefined]);
  if (lo === undefined || hi === undefined) return { edges: [], counts: [] };
  const whole = values.every(Number.isInteger) && hi - lo <= 60;
  let edges: number[];
  if (whole) edges = Array.from({ length: hi - lo + 2 }, (_, i) => lo - 0.5 + i);
  else if (hi === lo) edges = [lo - 0.5, hi + 0.5];
  // the last edge is the maximum itself (lo + (hi - lo) can round past it)
  else edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + ((hi - lo) * i) / bins));
  const last = edges[edges.length - 1];
  // d3's bins hold [x0, x1); the data's maximum goes in the last bin, not one of its own
  const inside = range ? values.filter((v) => v >= edges[0] && v <= last) : values;
  const made = bin()
    .domain([edges[0], last])
    .thresholds(edges.slice(1, -1))(inside.map((v) => (v >= last ? last - (last - edges[edges.length - 2]) * 1e-9 : v)));
  return { edges, counts: made.map((b) => b.length) };
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

export function plotHandlers(db: Db, whereFor: WhereFor): Pick<Handlers, PlotCalls> {
  const numeric = (expr: string) => `CASE WHEN typeof(${expr}) IN ('integer', 'real') THEN ${expr} END`;

  return {
    'collections.columnValues': async ({ collectionId, keys, filter }) => {
      requireCollection(db, collectionId);
      const exprs = keys.map((k) => numeric(keyExpression(k)));
      const where = await whereFor(collectionId, filter);
      const stmt = db.prepare(`SELECT id, ${exprs.join(', ')} FROM molecules WHERE ${where.sql} ORDER BY id`).raw(true);
      const ids: number[] = [];
      const columns = keys.map(() => [] as number[]);
      for (const row of stmt.iterate(...where.params) as Iterable<unknown[]>) {
        ids.push(row[0] as number);
        for (let k = 0; k < keys.length; k++) columns[k].push(row[k + 1] === null ? Number.NaN : (row[k + 1] as number));
      }
      return {
        count: ids.length,
        ids: toBase64(Int32Array.from(ids)),
        columns: keys.map((key, k) => ({ key, values: toBase64(Float32Array.from(columns[k])) })),
      };
    },

    'collections.columnStats': async ({ collectionId, keys, bins, filter, collectionBins }) => {
      requireCollection(db, collectionId);
      const exprs = keys.map((k) => numeric(keyExpression(k)));
      // the whole collection's range per key, for bins that line up with its histogram
      let ranges: ([number, number] | undefined)[] = keys.map(() => undefined);
      if (filter && collectionBins) {
        const r = db.prepare(`SELECT ${exprs.map((e, k) => `min(${e}) AS lo${k}, max(${e}) AS hi${k}`).join(', ')} FROM molecules WHERE collection_id = ?`).get(collectionId) as Record<string, number | null>;
        ranges = keys.map((_, k) => (r[`lo${k}`] === null || r[`hi${k}`] === null ? undefined : [r[`lo${k}`] as number, r[`hi${k}`] as number]));
      }
      const where = await whereFor(collectionId, filter);
      const values = keys.map(() => [] as number[]);
      let rows = 0;
      const stmt = db.prepare(`SELECT ${exprs.join(', ')} FROM molecules WHERE ${where.sql}`).raw(true);
      for (const row of stmt.iterate(...where.params) as Iterable<unknown[]>) {
        rows++;
        for (let k = 0; k < keys.length; k++) if (row[k] !== null) values[k].push(row[k] as number);
      }
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
