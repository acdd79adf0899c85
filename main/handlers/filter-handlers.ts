// The chemistry calls over a stored collection: filtered windows, slider bounds, a filtered copy as a new
// collection, similarity/substructure search, export to CSV/SD/SMILES, and joining a values file by name.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Handlers, MoleculeFilter, PropertyStat } from '../api/contract.ts';
import { MODEL_COLUMN_DEFS, MODEL_COLUMN_KEYS } from '../api/model-columns.ts';
import { PROPERTY_DEFS, PROPERTY_KEYS } from '../api/properties.ts';
import { createMoleculeWriter, type WriteFormat } from '../files/writers.ts';
import { readValuesTable } from '../files/values-table.ts';
import { createCollection, updateCollectionCounts } from '../store/collections.ts';
import type { Db } from '../store/db.ts';
import { confidenceReader } from '../store/latent.ts';
import { countMolecules, listMolecules } from '../store/molecules.ts';
import type { ModelIdentity } from './active-model-identity.ts';
import { badRequest, requireCollection } from './errors.ts';
import { resolveImportSource } from './import-source.ts';
import { countWhere, keyExpression, listWhere, moleculesByIds, rowsWhere, whereClause, withConfidence, type Where } from './molecule-query.ts';
import { SearchIndexes } from './search-index.ts';

type ChemCalls =
  | 'collections.molecules'
  | 'collections.propertyStats'
  | 'collections.createFromFilter'
  | 'collections.export'
  | 'collections.joinValues'
  | 'chem.search';

export interface ChemHandlers {
  handlers: Pick<Handlers, ChemCalls>;
  /** a filter's WHERE clause, its substructure looked up in the collection's index (plots and shortlists use it too) */
  whereFor(collectionId: number, filter: MoleculeFilter | undefined): Promise<Where>;
  /** a collection's fingerprints by molecule id, from the search index (shortlists use them) */
  fingerprints(collectionId: number): Promise<(id: number) => Uint32Array | null>;
  close(): void;
}

const NUMERIC_KEYS = PROPERTY_DEFS.filter((d) => d.kind === 'number' || d.kind === 'integer').map((d) => d.key);
const EXTENSION: Record<'csv' | 'sdf' | 'smi', string> = { csv: 'csv', sdf: 'sdf', smi: 'smi' };
const WRITE_FORMAT: Record<'csv' | 'sdf' | 'smi', WriteFormat> = { csv: 'csv', sdf: 'sdf', smi: 'smiles' };

/**
 * `activeModel`: the workspace's active model (active-model-identity.ts), whose confidence in each molecule the
 * rows carry and 'model:fit' / 'model:held' sort, filter and export by; none: those are empty.
 */
export function chemHandlers(db: Db, workspace: string, onChanged: (collectionId: number) => void, activeModel: () => ModelIdentity | null = () => null): ChemHandlers {
  const indexes = new SearchIndexes(db);
  const modelSha = () => activeModel()?.sha256 ?? null;

  /** The WHERE clause of a filter, the substructure's matches looked up first. */
  const whereFor = async (collectionId: number, filter: MoleculeFilter | undefined): Promise<Where> => {
    const ids = filter?.substructure ? await indexes.substructureIds(collectionId, filter.substructure, filter.mode) : undefined;
    return whereClause(collectionId, filter, ids, modelSha());
  };
  const isEmpty = (f: MoleculeFilter | undefined) => !f || (!f.substructure && !f.ranges.some((r) => r.min !== undefined || r.max !== undefined));

  const handlers: Pick<Handlers, ChemCalls> = {
    'collections.molecules': async ({ collectionId, offset, limit, sort, filter }) => {
      requireCollection(db, collectionId);
      const sha = modelSha();
      // unfiltered: the store's index-walking window
      if (isEmpty(filter)) {
        keyExpression(sort?.key ?? 'position'); // a bad key is a 400, not a 500
        return { total: countMolecules(db, collectionId), rows: withConfidence(db, listMolecules(db, collectionId, offset, limit, sort, sha), sha) };
      }
      const where = await whereFor(collectionId, filter);
      return { total: countWhere(db, where), rows: withConfidence(db, listWhere(db, where, offset, limit, sort), where.modelSha256) };
    },

    'collections.propertyStats': async ({ collectionId }) => {
      const c = requireCollection(db, collectionId);
      const sha = modelSha();
      // the model's confidence too (its slider shows once the active model has encoded some of the collection)
      const keys = [...NUMERIC_KEYS, ...(sha ? MODEL_COLUMN_KEYS : []), ...c.userColumns.map((u) => `user:${u}`)].filter((k) => {
        try {
          keyExpression(k);
          return true;
        } catch {
          return false; // a user column whose name cannot be a JSON path is left out
        }
      });
      if (!keys.length) return { stats: [] };
      // one pass over the collection for every key
      const inner = keys.map((k, i) => `${keyExpression(k, sha)} AS e${i}`).join(', ');
      const num = (i: number) => `CASE WHEN typeof(e${i}) IN ('integer', 'real') THEN e${i} END`;
      const outer = keys.map((_, i) => `min(${num(i)}) AS min${i}, max(${num(i)}) AS max${i}, count(${num(i)}) AS n${i}`).join(', ');
      const r = db.prepare(`SELECT ${outer} FROM (SELECT ${inner} FROM molecules WHERE collection_id = ?)`).get(collectionId) as Record<string, number | null>;
      const stats: PropertyStat[] = [];
      keys.forEach((key, i) => {
        const n = r[`n${i}`] ?? 0;
        if (n > 0) stats.push({ key, min: r[`min${i}`] as number, max: r[`max${i}`] as number, count: n });
      });
      return { stats };
    },

    'collections.createFromFilter': async ({ collectionId, filter, name }) => {
      const source = requireCollection(db, collectionId);
      const where = await whereFor(collectionId, filter);
      const id = db.transaction(() => {
        const id = createCollection(db, { name, kind: 'filtered', sourcePath: source.sourcePath });
        const copied = db
          .prepare(
            `INSERT INTO molecules (collection_id, position, name, smiles, canonical_smiles, source_line, props, mol_wt, clogp, tpsa, hbd, hba, user_props)
             SELECT ?, row_number() OVER (ORDER BY position), name, smiles, canonical_smiles, source_line, props, mol_wt, clogp, tpsa, hbd, hba, user_props
             FROM molecules WHERE ${where.sql} ORDER BY position`,
          )
          .run(id, ...where.params).changes;
        const done = (db.prepare('SELECT count(*) AS n FROM molecules WHERE collection_id = ? AND props IS NOT NULL').get(id) as { n: number }).n;
        updateCollectionCounts(db, id, { moleculeCount: copied, propertiesDone: done, problemCount: 0, duplicateCount: 0, userColumns: source.userColumns });
        return id;
      }).immediate();
      onChanged(id);
      return requireCollection(db, id);
    },

    'chem.search': async ({ collectionId, similar, top, substructure, mode }) => {
      requireCollection(db, collectionId);
      if (!similar && !substructure) throw badRequest('Give a SMILES to rank by similarity, a substructure, or both.');
      const matches = substructure ? await indexes.substructureIds(collectionId, substructure, mode) : undefined;
      if (similar) {
        const hits = await indexes.similarIds(collectionId, similar, top, matches);
        const sims = new Map(hits.map((h) => [h.id, h.similarity]));
        const rows = withConfidence(db, moleculesByIds(db, hits.map((h) => h.id)), modelSha()).map((r) => ({ ...r, similarity: sims.get(r.id) ?? null }));
        return { rows, total: matches ? matches.length : rows.length };
      }
      const ids = matches ?? [];
      return { rows: withConfidence(db, moleculesByIds(db, ids.slice(0, top)), modelSha()).map((r) => ({ ...r, similarity: null })), total: ids.length };
    },

    'collections.export': async ({ collectionId, format, path, filter, ids, raw, modelColumns }) => {
      const c = requireCollection(db, collectionId);
      const fileName = `${c.name.replace(/[^\w.+-]+/g, '_') || 'molecules'}.${EXTENSION[format]}`;
      let target: string;
      let scratch: string | null = null;
      if (path) {
        target = resolve(path);
        let dir;
        try {
          dir = statSync(dirname(target));
        } catch {
          throw badRequest(`Cannot write ${path}: its folder does not exist.`);
        }
        if (!dir.isDirectory()) throw badRequest(`Cannot write ${path}: ${dirname(target)} is not a folder.`);
      } else {
        scratch = mkdtempSync(join(tmpdir(), 'molscape-export-'));
        target = join(scratch, fileName);
      }
      try {
        // a selection: exactly those molecules; else the filter's
        const where = ids ? whereClause(collectionId, undefined, ids) : isEmpty(filter) ? whereClause(collectionId, undefined) : await whereFor(collectionId, filter);
        // the model's confidence as the table shows it, after the computed properties (empty where not encoded)
        const sha = modelColumns?.length ? modelSha() : null;
        const shown = sha ? MODEL_COLUMN_DEFS.filter((d) => modelColumns!.includes(d.key)) : [];
        const confidenceOf = sha ? confidenceReader(db, sha) : null;
        const writer = createMoleculeWriter(target, { format: WRITE_FORMAT[format], props: [...PROPERTY_KEYS, ...shown.map((d) => d.fileHeader)], userProps: c.userColumns, raw });
        for (const row of rowsWhere(db, where)) {
          let props = row.props;
          if (confidenceOf && shown.length) {
            const confidence = confidenceOf(row.id);
            props = { ...props };
            for (const d of shown) {
              const v = d.key === 'model:fit' ? confidence?.fit : confidence?.held;
              // fit to the table's digits unless raw (a computed property's rounding is by its own key)
              props[d.fileHeader] = v == null ? null : typeof v === 'number' && !raw ? Number(v.toFixed(d.digits ?? 3)) : v;
            }
          }
          await writer.write({ smiles: row.smiles, name: row.name, props, userProps: row.userProps });
        }
        await writer.close();
        if (!scratch) return { path: target, fileName, base64: null, count: writer.written };
        return { path: null, fileName, base64: readFileSync(target).toString('base64'), count: writer.written };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EACCES' || (err as NodeJS.ErrnoException).code === 'EISDIR') {
          throw badRequest(`Cannot write ${path}: ${(err as Error).message}`);
        }
        throw err;
      } finally {
        if (scratch) rmSync(scratch, { recursive: true, force: true });
      }
    },

    'collections.joinValues': async ({ collectionId, source }) => {
      const c = requireCollection(db, collectionId);
      const resolved = resolveImportSource(source, workspace);
      try {
        const update = db.prepare(
          "UPDATE molecules SET user_props = json_patch(coalesce(user_props, '{}'), ?) WHERE collection_id = ? AND name = ?",
        );
        const columns = new Set<string>();
        let matched = 0;
        let unmatched = 0;
        const problems: string[] = [];
        const rows: { key: string; values: Record<string, unknown> }[] = [];
        for await (const item of readValuesTable(resolved.path, { fileName: resolved.fileName })) {
          if (item.kind === 'values') rows.push({ key: item.key, values: item.values });
          else problems.push(`${item.file}:${item.line}: ${item.reason}`);
        }
        if (!rows.length) throw badRequest(`Nothing to join from ${resolved.fileName}${problems.length ? `: ${problems.slice(0, 3).join('; ')}` : ': no rows'}.`);
        db.transaction(() => {
          for (const r of rows) {
            // json_patch deletes a key patched with null: an empty cell simply adds nothing
            const values = Object.fromEntries(Object.entries(r.values).filter(([, v]) => v !== null));
            const changed = update.run(JSON.stringify(values), collectionId, r.key).changes;
            if (changed > 0) {
              matched++;
              for (const k of Object.keys(values)) columns.add(k);
            } else unmatched++;
          }
          const userColumns = [...c.userColumns, ...[...columns].filter((k) => !c.userColumns.includes(k))];
          updateCollectionCounts(db, collectionId, { userColumns });
        }).immediate();
        onChanged(collectionId);
        return { matched, unmatched, columns: [...columns] };
      } finally {
        if (resolved.temporary) rmSync(resolved.path, { force: true });
      }
    },
  };
  return { handlers, whereFor, fingerprints: (collectionId) => indexes.fingerprints(collectionId), close: () => indexes.close() };
}
