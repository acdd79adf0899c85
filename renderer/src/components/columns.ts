// The molecules table's columns, in order: which value each shows, how it is written, and its sort key
// (the contract's SortSpec keys: 'position', 'name', 'canonicalSmiles' or a property name).
import type { MoleculeRow } from '../../../main/api/contract.ts';
import { decimal, integer } from '../lib/format.ts';

export interface Column {
  id: string;
  label: string;
  title?: string;
  sortKey: string | null;
  numeric: boolean;
  value?: (row: MoleculeRow) => string;
  /** The property this column shows: empty while the properties job has not reached the row. */
  prop?: string;
}

const prop = (id: string, label: string, title: string, format: (v: unknown) => string): Column => ({
  id,
  label,
  title,
  sortKey: id,
  numeric: true,
  prop: id,
  value: (row) => format(row.props[id]),
});

export const columns: Column[] = [
  { id: 'position', label: '#', sortKey: 'position', numeric: true, value: (row) => String(row.position) },
  { id: 'structure', label: 'Structure', sortKey: null, numeric: false },
  { id: 'name', label: 'Name', sortKey: 'name', numeric: false, value: (row) => row.name ?? '' },
  { id: 'smiles', label: 'Canonical SMILES', sortKey: 'canonicalSmiles', numeric: false, value: (row) => row.canonicalSmiles },
  prop('mol_wt', 'MW', 'Molecular weight (g/mol)', decimal),
  prop('clogp', 'cLogP', 'Crippen logP', decimal),
  prop('tpsa', 'TPSA', 'Topological polar surface area (Å²)', decimal),
  prop('hbd', 'HBD', 'Hydrogen-bond donors', integer),
  prop('hba', 'HBA', 'Hydrogen-bond acceptors', integer),
];
