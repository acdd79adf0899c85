// Numbers for a range slider: a step that suits the property's spread, and a value snapped to it, so that
// the thumbs move in steps a chemist can read (0.01 of a logP, 1 of a donor count) and the ends stay exact.
export function stepFor(min: number, max: number, integer: boolean): number {
  if (integer) return 1;
  const spread = max - min;
  if (!(spread > 0)) return 0.01;
  // About 200 positions along the track, rounded to 1, 2 or 5 times a power of ten.
  const raw = spread / 200;
  const power = 10 ** Math.floor(Math.log10(raw));
  const scaled = raw / power;
  return (scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10) * power;
}

/** Digits to show for a step (0.05 -> 2, 1 -> 0). */
export function digitsFor(step: number): number {
  return step >= 1 ? 0 : Math.min(6, Math.ceil(-Math.log10(step) - 1e-9));
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** A value a person typed: a finite number, or null for empty or junk (which leaves the bound open). */
export function parseBound(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : null;
}
