// A train job's curve points as the chart's columns: one x (the step) and, per point, the training loss, the
// validation loss and the held-out exact reconstruction (percent), null where a point has no such value (the
// held-out set is measured only now and then). Both losses are the reconstruction cross-entropy per token when
// the core reports it ('ce'), so the two lines compare like with like; the total ('loss') otherwise.
import type { HoldoutFigures, TrainCurvePoint } from '../../../main/api/contract.ts';

export interface CurveColumns {
  step: number[];
  train: (number | null)[];
  valid: (number | null)[];
  exact: (number | null)[];
}

const finite = (v: number | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function lossOf(parts: Record<string, number> | null): number | null {
  if (!parts) return null;
  return finite(parts.ce) ?? finite(parts.loss) ?? null;
}

/** `before`: the base model's held-out figures, drawn at step 0 so the held-out curve starts where it began. */
export function curveColumns(points: TrainCurvePoint[], before: HoldoutFigures | null = null): CurveColumns {
  // steps must rise for the chart: a resumed run may repeat the steps after its checkpoint, the later wins
  const byStep = new Map<number, TrainCurvePoint>();
  if (before && points.length > 0) byStep.set(0, { step: 0, epoch: 0, seconds: 0, train: {}, valid: null, holdout: before });
  for (const p of points) byStep.set(p.step, p);
  const sorted = [...byStep.values()].sort((a, b) => a.step - b.step);
  return {
    step: sorted.map((p) => p.step),
    train: sorted.map((p) => lossOf(p.train)),
    valid: sorted.map((p) => lossOf(p.valid)),
    exact: sorted.map((p) => (p.holdout ? p.holdout.exact * 100 : null)),
  };
}

/** The latest value of each curve, for the line under the chart (and for screen readers). */
export function latest(columns: CurveColumns): { step: number | null; train: number | null; valid: number | null; exact: number | null } {
  const last = (xs: (number | null)[]) => {
    for (let i = xs.length - 1; i >= 0; i--) if (xs[i] !== null) return xs[i];
    return null;
  };
  return { step: columns.step.at(-1) ?? null, train: last(columns.train), valid: last(columns.valid), exact: last(columns.exact) };
}

export const pct = (share: number | null | undefined, digits = 1): string =>
  typeof share === 'number' && Number.isFinite(share) ? `${(share * 100).toFixed(digits)} %` : '–';

/** "4.0 % → 63.2 % (+59.2 points)", or what is known. */
export function beforeAfter(before: number | null | undefined, after: number | null | undefined): string {
  if (typeof after !== 'number') return before == null ? '–' : `${pct(before)} before`;
  if (typeof before !== 'number') return pct(after);
  const points = (after - before) * 100;
  return `${pct(before)} → ${pct(after)} (${points >= 0 ? '+' : '−'}${Math.abs(points).toFixed(1)} points)`;
}

export function holdoutLine(h: HoldoutFigures | null | undefined): string {
  if (!h) return '–';
  return `${pct(h.exact)} exact, ${pct(h.valid)} valid (${h.molecules} molecules)`;
}

export function bytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '–';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

export const shortSha = (sha: string): string => (sha.length > 12 ? `${sha.slice(0, 12)}…` : sha);

export function shortDate(iso: string | null): string {
  if (!iso) return '–';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(0, 16).replace('T', ' ');
}
