// A selection as text for the clipboard: SMILES (one per line, with the name after a tab, as .smi files have
// it) or CSV with the columns the table shows, numbers written as the table writes them (never float noise).
import type { MoleculeRow } from '../../../../main/api/contract.ts';
import { csvQuote } from './csv-quote.ts';
import type { Column } from '../columns.ts';

export function smilesText(rows: readonly MoleculeRow[], name: (row: MoleculeRow) => string): string {
  return rows.map((r) => (name(r) ? `${r.canonicalSmiles}\t${name(r).replace(/[\t\r\n]+/g, ' ')}` : r.canonicalSmiles)).join('\n') + '\n';
}

/** CSV of the rows: SMILES first, then every shown column that has a value (the drawing has none). */
export function csvText(rows: readonly MoleculeRow[], columns: readonly Column[]): string {
  const valued = columns.filter((c) => c.value && c.id !== 'position' && c.id !== 'smiles');
  const head = ['smiles', ...valued.map((c) => (c.id === 'name' ? 'name' : c.label))];
  const lines = [head.map(csvQuote).join(',')];
  for (const r of rows) lines.push([r.canonicalSmiles, ...valued.map((c) => c.value!(r))].map(csvQuote).join(','));
  return lines.join('\n') + '\n';
}
