// How a designed molecule's numbers read: the key properties a medicinal chemist looks at first, their
// labels from the property panel's definitions, and signed deltas against the seed.
import { PROPERTY_DEFS } from '../../../main/api/properties.ts';

/** The properties shown next to every designed molecule, in this order. */
export const KEY_PROPERTIES: readonly string[] = ['mol_wt', 'clogp', 'qed', 'sa', 'tpsa', 'hbd', 'hba'];

const defs = new Map(PROPERTY_DEFS.map((d) => [d.key, d]));

export function propertyLabel(key: string): string {
  if (key === 'similarity') return 'Similarity';
  if (key === 'model:fit') return 'Model fit (−ELBO/token)';
  if (key === 'model:held') return 'Held exactly';
  if (key.startsWith('user:')) return key.slice(5);
  return defs.get(key)?.label ?? key;
}

export function propertyDigits(key: string): number {
  // the active model's confidence reads as the table writes it (main/api/model-columns.ts): fit to 3 decimals, held 0 / 1
  if (key === 'model:fit') return 3;
  if (key === 'model:held') return 0;
  const def = defs.get(key);
  if (!def) return 2;
  return def.kind === 'integer' ? 0 : Math.max(1, def.digits ?? 2);
}

export function formatValue(key: string, value: unknown): string {
  // held exactly comes to plots and the map as 1 / 0: said as the table says it
  if (key === 'model:held' && (value === 0 || value === 1)) return value ? 'yes' : 'no';
  if (typeof value === 'number' && Number.isFinite(value)) return value.toFixed(propertyDigits(key));
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return value == null ? '–' : String(value);
}

/** '+0.42', '−1.30', or '' for no change worth a mark at the property's precision. */
export function formatDelta(key: string, delta: number | undefined): string {
  if (delta === undefined || !Number.isFinite(delta)) return '';
  const digits = propertyDigits(key);
  const text = Math.abs(delta).toFixed(digits);
  if (Number(text) === 0) return '';
  return `${delta > 0 ? '+' : '−'}${text}`;
}
