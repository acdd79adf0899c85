// The directions a walk can take: the principal axes of the training latents ('pc1' … 'pcN', one slider unit
// = the training set's standard deviation along the axis) and, for each property the head predicts, more of
// it or less ('clogp+', 'sa-': the head's gradient at the seed, unit length). A property direction's slider
// unit is the mean standard deviation of the first PROPERTY_UNIT_AXES axes, fixed so that a walk means the
// same whatever number of axes a UI lists.
import type { LatentDirection } from '../api/contract.ts';
import { PROPERTY_DEFS } from '../chem/properties.ts';
import { badRequest } from '../handlers/errors.ts';
import type { ModelService } from './model-service.ts';
import type { Seed } from './seeds.ts';

export const PROPERTY_UNIT_AXES = 8;

/** Properties where less is what a chemist usually wants (a lower SA score is easier to make). */
const LOWER_IS_BETTER = new Set(['sa']);

function propertyLabel(name: string, sign: 1 | -1): string {
  const label = name === 'sa' ? 'SA' : (PROPERTY_DEFS.find((d) => d.key === name)?.label ?? name);
  if (LOWER_IS_BETTER.has(name)) return `${sign > 0 ? 'higher' : 'lower'} ${label}`;
  return `${sign > 0 ? 'more' : 'less'} ${label}`;
}

function propertyUnit(m: ModelService): number {
  const v = m.latentStats.variances.slice(0, PROPERTY_UNIT_AXES);
  return v.length ? v.reduce((a, x) => a + Math.sqrt(x), 0) / v.length : 1;
}

export function listDirections(m: ModelService, axes: number): LatentDirection[] {
  const { variances } = m.latentStats;
  const total = variances.reduce((a, b) => a + b, 0) || 1;
  const out: LatentDirection[] = variances.slice(0, Math.min(axes, variances.length)).map((v, k) => ({
    name: `pc${k + 1}`, label: `PC${k + 1} (${((100 * v) / total).toFixed(1)} % of variance)`, kind: 'axis', unit: Math.sqrt(v) || 1e-6,
  }));
  const unit = propertyUnit(m);
  for (const p of m.propertyNames) {
    for (const sign of [1, -1] as const) out.push({ name: `${p}${sign > 0 ? '+' : '-'}`, label: propertyLabel(p, sign), kind: 'property', unit });
  }
  return out;
}

/** A named direction at a seed: its unit vector and the latent length of one slider unit. 400 for an unknown name. */
export async function resolveDirection(m: ModelService, seed: Seed, name: string): Promise<{ dir: Float32Array | number[]; unit: number }> {
  const { axes, variances } = m.latentStats;
  const axis = /^pc(\d+)$/i.exec(name);
  if (axis) {
    const k = Number(axis[1]) - 1;
    if (k >= 0 && k < axes.length) return { dir: axes[k], unit: Math.sqrt(variances[k]) };
  }
  const prop = /^(.+)([+-])$/.exec(name);
  const p = prop ? m.propertyNames.indexOf(prop[1]) : -1;
  if (prop && p >= 0) {
    const L = m.latent, all = await seed.propertyDirections();
    const row = all.slice(p * L, (p + 1) * L);
    if (prop[2] === '-') for (let i = 0; i < L; i++) row[i] = -row[i];
    return { dir: row, unit: propertyUnit(m) };
  }
  const known = [`pc1…pc${axes.length}`, ...m.propertyNames.flatMap((n) => [`${n}+`, `${n}-`])];
  throw badRequest(`There is no direction '${name}' for the model ${m.name} (it has ${known.join(', ')}).`);
}
