// Labels for collections in lists.
import type { Collection } from '../../../main/api/contract.ts';

/**
 * What tells two collections of the same name apart in the sidebar (beside their counts): the file, the day and
 * time made, and the id; null for a name no other collection has.
 */
export function apartLabel(c: Collection, all: readonly Collection[]): string | null {
  const twins = all.filter((o) => o.name === c.name);
  if (twins.length < 2) return null;
  const file = c.sourcePath?.split(/[\\/]/).pop() ?? null;
  const made = new Date(c.createdAt);
  const date = Number.isNaN(made.getTime()) ? c.createdAt : made.toLocaleString('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
  const parts = [file, date, `#${c.id}`];
  return parts.filter(Boolean).join(' · ');
}
