// The molecules table's columns, in order: which value each shows, how it is written, and its sort key
// (the contract's SortSpec keys: 'position', 'name', 'canonicalSmiles' or a property name).
import type { MoleculeRow } from '../../../main/api/contract.ts';
import { decimal, integer } from '../lib/format.ts';

export interface Column {
  id: string;
  /** The CSS grid track for this column. */
  width: string;
  label: string;
  title?: string;
  sortKey: string | null;
  numeric: boolean;
  value?: (row: MoleculeRow) => string;
  /** The property this column shows: empty while the properties job has not reached the row. */
  prop?: string;
}

const prop = (id: string, label: string, title: string, width: string, format: (v: unknown) => string): Column => ({
  id,
  width,
  label,
  title,
  sortKey: id,
  numeric: true,
  prop: id,
  value: (row) => format(row.props[id]),
});

export const columns: Column[] = [
  { id: 'position', width: '64px', label: '#', sortKey: 'position', numeric: true, value: (row) => String(row.position) },
  { id: 'structure', width: '170px', label: 'Structure', sortKey: null, numeric: false },
  { id: 'name', width: 'minmax(110px, 1fr)', label: 'Name', sortKey: 'name', numeric: false, value: (row) => row.name ?? '' },
  { id: 'smiles', width: 'minmax(160px, 2.2fr)', label: 'Canonical SMILES', sortKey: 'canonicalSmiles', numeric: false, value: (row) => row.canonicalSmiles },
  prop('mol_wt', 'MW', 'Molecular weight (g/mol)', '84px', decimal),
  prop('clogp', 'cLogP', 'Crippen logP', '76px', decimal),
  prop('tpsa', 'TPSA', 'Topological polar surface area (Å²)', '76px', decimal),
  prop('hbd', 'HBD', 'Hydrogen-bond donors', '56px', integer),
  prop('hba', 'HBA', 'Hydrogen-bond acceptors', '56px', integer),
];

/** A column the file brought along (a CSV column, an SD data field), after the computed ones. */
export function userColumn(name: string): Column {
  return {
    id: `user:${name}`,
    width: 'minmax(90px, 1fr)',
    label: name,
    title: `${name} (from the file)`,
    sortKey: `user:${name}`,
    numeric: false,
    value: (row) => userValue(row.userProps[name]),
  };
}

/** Values as the file had them; numbers to at most 2 decimals so a column of measurements lines up. */
export function userValue(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : decimal(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return value == null ? '' : String(value);
}

/** Room the fixed columns need; each user column adds its minimum. */
export const minTableWidth = (userColumns: number) => 900 + 100 * userColumns;
