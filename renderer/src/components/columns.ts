// The molecules table's columns, in order: which value each shows, how it is written, and its sort key
// (the contract's SortSpec keys: 'position', 'name', 'canonicalSmiles', a property name or 'user:<column>').
// The computed ones come from the property panel's definitions (main/api/properties.ts); which of them show is
// the chemist's choice (the column chooser), the five basics by default.
import type { MoleculeRow } from '../../../main/api/contract.ts';
import { PROPERTY_DEFS, type PropertyDef } from '../../../main/api/properties.ts';
import { decimal, integer } from '../lib/format.ts';

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
  value?: (row: MoleculeRow) => string;
  /** The property this column shows: empty while the properties job has not reached the row. */
  prop?: string;
}

/** The property columns shown until the chemist picks others. */
export const DEFAULT_PROPERTIES: readonly string[] = ['mol_wt', 'clogp', 'tpsa', 'hbd', 'hba'];

const fixedColumns: Column[] = [
  { id: 'position', width: '64px', minWidth: 64, label: '#', sortKey: 'position', numeric: true, value: (row) => String(row.position) },
  { id: 'structure', width: '170px', minWidth: 170, label: 'Structure', sortKey: null, numeric: false },
  { id: 'name', width: 'minmax(90px, 1fr)', minWidth: 90, label: 'Name', sortKey: 'name', numeric: false, value: (row) => row.name ?? '' },
  {
    id: 'smiles',
    width: 'minmax(140px, 2.2fr)',
    minWidth: 140,
    label: 'Canonical SMILES',
    sortKey: 'canonicalSmiles',
    numeric: false,
    value: (row) => row.canonicalSmiles,
  },
];

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
  const width = text ? 160 : def.kind === 'number' ? 84 : Math.max(60, 9 * def.label.length + 24);
  return {
    id: def.key,
    width: text ? 'minmax(160px, 1.2fr)' : `${width}px`,
    minWidth: width,
    label: def.label,
    title: propertyTitle(def),
    sortKey: def.key,
    numeric: def.kind === 'number' || def.kind === 'integer',
    prop: def.key,
    value: (row) => formatProperty(def, row.props[def.key]),
  };
}

/** A column the file brought along (a CSV column, an SD data field), after the computed ones. */
export function userColumn(name: string): Column {
  return {
    id: `user:${name}`,
    width: 'minmax(90px, 1fr)',
    minWidth: 100,
    label: name,
    title: `${name} (from the file)`,
    sortKey: `user:${name}`,
    numeric: false,
    value: (row) => userValue(row.userProps[name]),
  };
}

/** The table's columns: the fixed ones, the chosen properties in the panel's order, then the file's columns. */
export function columnsFor(visibleProperties: readonly string[], userColumns: readonly string[]): Column[] {
  const chosen = new Set(visibleProperties);
  return [...fixedColumns, ...PROPERTY_DEFS.filter((d) => chosen.has(d.key)).map(propertyColumn), ...userColumns.map(userColumn)];
}

/** Values as the file had them; numbers to at most 2 decimals so a column of measurements lines up. */
export function userValue(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : decimal(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return value == null ? '' : String(value);
}

/** Room the columns need; on a narrower window the table scrolls sideways instead of squeezing them. */
export const minTableWidth = (columns: readonly Column[]) => columns.reduce((sum, c) => sum + c.minWidth, 0);
