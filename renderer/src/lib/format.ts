// Numbers as a chemist reads them: fixed decimals, thousands separated, and honest placeholders.
const grouped = new Intl.NumberFormat('en-US');

export const count = (n: number): string => grouped.format(Math.round(n));

export function decimal(value: unknown, digits = 2): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : '';
}

export function integer(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? String(Math.round(value)) : '';
}

export function rate(perSecond: number | null, unit = 'molecules'): string {
  if (perSecond === null || !Number.isFinite(perSecond)) return '';
  return `${count(perSecond)} ${unit}/s`;
}

export function duration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

export function percent(done: number, total: number | null): number | null {
  if (!total || total <= 0) return null;
  return Math.min(100, Math.max(0, (done / total) * 100));
}
