// A kept candidate's provenance as a chemist reads it in the detail panel (the candidate list keeps it in user
// columns: operation, seed, parameters as JSON, model, sha256, random seed, times), instead of raw JSON and a
// 64-character hash taking the table's width.
import type { MoleculeRow } from '../../../../main/api/contract.ts';

/** The user columns of a candidate list that are provenance: hidden in the table by default, shown in the detail. */
export const CANDIDATE_PROVENANCE = ['operation', 'seed', 'parameters', 'model', 'model_sha256', 'random_seed', 'created_at', 'kept_at'] as const;
/** what a list's table hides until asked (the note, rating and operation stay) */
export const LIST_HIDDEN = ['seed', 'parameters', 'model_sha256', 'random_seed', 'created_at'] as const;

export interface ProvenanceItem {
  label: string;
  value: string;
  title?: string;
  mono?: boolean;
}

const when = (v: unknown) => {
  if (typeof v !== 'string' || !v) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? v : d.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
};

/** A parameter value in one line: numbers to 4 significant digits, lists and objects as compact JSON. */
function paramText(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
  if (typeof v === 'string') return v;
  return JSON.stringify(v, (_, x) => (typeof x === 'number' && !Number.isInteger(x) ? Number(x.toPrecision(4)) : x));
}

export function provenanceOf(row: MoleculeRow): ProvenanceItem[] {
  const u = row.userProps;
  const items: ProvenanceItem[] = [];
  const add = (label: string, value: unknown, extra: Partial<ProvenanceItem> = {}) => {
    if (value === null || value === undefined || value === '') return;
    items.push({ label, value: String(value), ...extra });
  };
  add('Rating', typeof u.rating === 'number' && u.rating > 0 ? '★'.repeat(u.rating) : null);
  add('Note', u.note);
  add('Operation', u.operation);
  add('Seed', u.seed, { mono: true });
  let params: Record<string, unknown> | null = null;
  try {
    params = typeof u.parameters === 'string' ? (JSON.parse(u.parameters) as Record<string, unknown>) : null;
  } catch {
    add('Parameters', u.parameters, { mono: true });
  }
  for (const [k, v] of Object.entries(params ?? {})) add(`· ${k}`, paramText(v), { mono: typeof v !== 'number' });
  add('Model', u.model);
  if (typeof u.model_sha256 === 'string' && u.model_sha256) add('Model sha256', `${u.model_sha256.slice(0, 12)}…`, { title: u.model_sha256, mono: true });
  add('Random seed', u.random_seed);
  add('Made', when(u.created_at), { title: String(u.created_at ?? '') });
  add('Kept', when(u.kept_at), { title: String(u.kept_at ?? '') });
  return items;
}
