// The molecules table's columns, in order: which value each shows, how it is written, and its sort key
// (the contract's SortSpec keys: 'position', 'name', 'canonicalSmiles', a property name or 'user:<column>').
// The computed ones come from the property panel's definitions (main/api/properties.ts); which of them show is
// the chemist's choice per collection (the column chooser). A file's own columns are typed from all their values
// (collections.columns), never from the first row loaded, so alignment does not flip with the sort order.
import type { CallResult, MoleculeRow } from '../../../main/api/contract.ts';
import { MODEL_COLUMN_DEFS, type ModelColumnDef } from '../../../main/api/model-columns.ts';
import { PROPERTY_DEFS, type PropertyDef } from '../../../main/api/properties.ts';
import { decimal, integer } from '../lib/format.ts';

export type ColumnType = CallResult<'collections.columns'>['columns'][number];

export interface Column {
  id: string;
  /** The CSS grid track for this column. */
  width: string;
  /** Room the column needs at least, in px (for the table's minimum width). */
  minWidth: number;
  label: string;
  title?: string;
  sortKey: string | null;
  numeric: boolean;
  /** how the cell's text sits: numbers right (decimals line up), flags centred, text left */
  align: 'left' | 'right' | 'center';
  value?: (row: MoleculeRow) => string;
  /** The property this column shows: empty while the properties job has not reached the row. */
  prop?: string;
  /** px from the left edge where the column stays when the table scrolls sideways (structure and name) */
  frozenAt?: number;
  /** what an empty cell means, when more than "no value" (the model has not encoded the molecule yet) */
  missingTitle?: string;
}

/** The property columns shown until the chemist picks others: the basics, and what chemists check first. */
export const DEFAULT_PROPERTIES: readonly string[] = ['mol_wt', 'clogp', 'tpsa', 'hbd', 'hba', 'qed', 'sa', 'pains_count'];

/** Row heights: a drawing a chemist can read (about six a screen), a small one (twice as many), text only. */
export type Density = 'large' | 'compact' | 'text';
export const ROW_HEIGHT: Record<Density, number> = { large: 104, compact: 48, text: 32 };
const STRUCTURE_WIDTH: Record<Density, number> = { large: 170, compact: 90, text: 0 };

/** What a cell with no value shows (a dash that says "missing", not a blank that could be a rendering fault). */
export const MISSING = '—';

/** A file column holding the molecules' names when the file had no name column (an IUPAC name column, say). */
export function nameColumnOf(userColumns: readonly string[]): string | null {
  return userColumns.find((c) => /^(iupac([ _-]?name)?|(preferred|compound|molecule|chemical)[ _-]?name|title)$/i.test(c.trim())) ?? null;
}

/** A computed property as it reads in a cell: numbers to their definition's digits (at least 2), flags as yes/no. */
export function formatProperty(def: PropertyDef, value: unknown): string {
  switch (def.kind) {
    case 'integer':
      return integer(value);
    case 'number':
      return decimal(value, Math.max(2, def.digits ?? 2));
    case 'boolean':
      return typeof value === 'boolean' ? (value ? 'yes' : 'no') : '';
    default:
      return value == null ? '' : String(value);
  }
}

/** A header's tooltip: what the property is, and its unit. */
export const propertyTitle = (def: PropertyDef) => (def.unit ? `${def.description} (${def.unit})` : def.description);

export function propertyColumn(def: PropertyDef): Column {
  const text = def.kind === 'string';
  // a number's cell holds its digits (exact mass: 4 decimals, 457.1482 needs more than MW's 457.43)
  const width = text ? 160 : def.kind === 'number' ? 84 + 9 * Math.max(0, (def.digits ?? 2) - 2) : Math.max(60, 9 * def.label.length + 24);
  return {
    id: def.key,
    width: text ? 'minmax(160px, 1.2fr)' : `${width}px`,
    minWidth: width,
    label: def.label,
    title: propertyTitle(def),
    sortKey: def.key,
    numeric: def.kind === 'number' || def.kind === 'integer',
    align: def.kind === 'number' || def.kind === 'integer' ? 'right' : def.kind === 'boolean' ? 'center' : 'left',
    prop: def.key,
    value: (row) => formatProperty(def, row.props[def.key]),
  };
}

/** The active model's confidence in a molecule, as read in a cell: the fit to its digits, held as yes / no. */
export function formatConfidence(def: ModelColumnDef, row: MoleculeRow): string {
  const c = row.confidence;
  if (def.key === 'model:fit') return decimal(c?.fit, def.digits ?? 3);
  return typeof c?.held === 'boolean' ? (c.held ? 'yes' : 'no') : '';
}

/** The header's tooltip of a model column: what it measures, which way is better, and which model's it is. */
export const modelColumnTitle = (def: ModelColumnDef, model: string | null) => `${def.description}${model ? ` Model: ${model} (the active model).` : ''}`;

/** A column of the active model's confidence (issue 13): sorted and filtered by the core like a property. */
export function modelColumn(def: ModelColumnDef, model: string | null): Column {
  // room for the whole header and the sort arrow: the label says what the number is
  const width = def.kind === 'number' ? 200 : 112;
  return {
    id: def.key,
    width: `${width}px`,
    minWidth: width,
    label: def.label,
    title: modelColumnTitle(def, model),
    sortKey: def.key,
    numeric: def.kind === 'number',
    align: def.kind === 'number' ? 'right' : 'center',
    value: (row) => formatConfidence(def, row),
    missingTitle: `Not encoded with ${model ?? 'the active model'} yet (Design → Encode), or not scored yet`,
  };
}

/** A column the file brought along (a CSV column, an SD data field), after the computed ones, written as its type says. */
export function userColumn(name: string, type?: ColumnType): Column {
  const kind = type?.type ?? 'text';
  const numeric = kind === 'number' || kind === 'integer';
  const width = kind === 'text' ? 140 : kind === 'boolean' ? Math.max(64, 8 * name.length + 24) : Math.max(84, Math.min(160, 8 * name.length + 24));
  return {
    id: `user:${name}`,
    width: kind === 'text' ? `minmax(${width}px, 1.4fr)` : `${width}px`,
    minWidth: width,
    label: name,
    title: `${name} (from the file${type ? `: ${kind}${type.missing ? `, ${type.missing} missing` : ''}` : ''})`,
    sortKey: `user:${name}`,
    numeric,
    align: numeric ? 'right' : kind === 'boolean' ? 'center' : 'left',
    value: (row) => userValue(row.userProps[name], type),
  };
}

export interface ColumnOptions {
  density?: Density;
  /** show the canonical SMILES column (the drawing says the same; hidden by default to leave room for values) */
  smiles?: boolean;
  /** the file's column to read a name from when the molecule has none */
  nameFrom?: string | null;
  /** the file's columns' types, by 'user:<column>' */
  types?: ReadonlyMap<string, ColumnType>;
  /** a candidate list: the note gets the width (it is read and typed in), the rating room for five stars */
  list?: boolean;
  /** the active model's name, for the model columns' tooltips */
  model?: string | null;
}

/** The table's columns: the fixed ones, the chosen properties in the panel's order, the model's confidence, then the file's columns. */
export function columnsFor(visibleProperties: readonly string[], userColumns: readonly string[], options: ColumnOptions = {}): Column[] {
  const density = options.density ?? 'large';
  const chosen = new Set(visibleProperties);
  const structure = STRUCTURE_WIDTH[density];
  const nameFrom = options.nameFrom ?? null;
  const fixed: Column[] = [
    { id: 'position', width: '56px', minWidth: 56, label: '#', sortKey: 'position', numeric: true, align: 'right', value: (row) => String(row.position), frozenAt: 0 },
  ];
  if (structure) fixed.push({ id: 'structure', width: `${structure}px`, minWidth: structure, label: 'Structure', sortKey: null, numeric: false, align: 'center', frozenAt: 56 });
  fixed.push({
    id: 'name',
    width: 'minmax(120px, 1fr)',
    minWidth: 150,
    label: 'Name',
    title: nameFrom ? `The molecule's name (from the file's '${nameFrom}' column where it has none)` : undefined,
    sortKey: 'name',
    numeric: false,
    align: 'left',
    value: (row) => displayName(row, nameFrom),
    frozenAt: 56 + structure,
  });
  if (options.smiles) {
    fixed.push({ id: 'smiles', width: 'minmax(140px, 2fr)', minWidth: 140, label: 'Canonical SMILES', sortKey: 'canonicalSmiles', numeric: false, align: 'left', value: (row) => row.canonicalSmiles });
  }
  const files = userColumns.filter((c) => c !== nameFrom).map((c) => listColumn(userColumn(c, options.types?.get(`user:${c}`)), options.list ?? false));
  // a candidate list's rating and note are what it is read for: beside the name, before the properties
  const first = options.list ? files.filter((c) => c.id === 'user:rating' || c.id === 'user:note') : [];
  const model = MODEL_COLUMN_DEFS.filter((d) => chosen.has(d.key)).map((d) => modelColumn(d, options.model ?? null));
  return [...fixed, ...first, ...PROPERTY_DEFS.filter((d) => chosen.has(d.key)).map(propertyColumn), ...model, ...files.filter((c) => !first.includes(c))];
}

/** A candidate list's own columns: a note wide enough to read, stars with room. */
function listColumn(col: Column, list: boolean): Column {
  if (!list) return col;
  if (col.id === 'user:note') return { ...col, width: 'minmax(240px, 3fr)', minWidth: 240, align: 'left', numeric: false };
  if (col.id === 'user:rating') return { ...col, width: '112px', minWidth: 112, align: 'left', numeric: false };
  return col;
}

/** The molecule's name, else the file's name-like column's value, else empty. */
export function displayName(row: MoleculeRow, nameFrom: string | null): string {
  if (row.name) return row.name;
  const v = nameFrom ? row.userProps[nameFrom] : null;
  return v == null ? '' : String(v);
}

/**
 * Values as the file had them, written as their column's type says: numbers to the column's decimals (so a
 * column lines up, and float noise such as 276.42400000000004 never shows), whole numbers as they are, flags
 * as 1 / 0. Without a type: at most 2 decimals.
 */
export function userValue(value: unknown, type?: ColumnType): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return '';
    if (type?.type === 'number') return value.toFixed(Math.min(4, type.decimals));
    return Number.isInteger(value) ? String(value) : decimal(value);
  }
  if (typeof value === 'boolean') return type?.type === 'boolean' ? (value ? '1' : '0') : value ? 'yes' : 'no';
  return value == null ? '' : String(value);
}

/** Room the columns need; on a narrower window the table scrolls sideways instead of squeezing them. */
export const minTableWidth = (columns: readonly Column[]) => columns.reduce((sum, c) => sum + c.minWidth, 0);
