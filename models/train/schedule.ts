// Learning-rate schedules as functions of the update number (1-based): linear warm-up, then constant, cosine
// or exponential decay.
export interface ScheduleConfig {
  base: number;
  warmup?: number;
  decay?: 'constant' | 'cosine' | 'exponential';
  /** Updates over which cosine decays to `min`; for exponential, the rate is multiplied by `gamma` per update. */
  total?: number;
  min?: number;
  gamma?: number;
}

export type Schedule = (update: number) => number;

export function schedule(c: ScheduleConfig): Schedule {
  const warm = c.warmup ?? 0, min = c.min ?? 0;
  return (t) => {
    if (warm > 0 && t <= warm) return (c.base * t) / warm;
    const k = t - warm;
    switch (c.decay ?? 'constant') {
      case 'constant':
        return c.base;
      case 'exponential':
        return Math.max(min, c.base * Math.pow(c.gamma ?? 0.9999, k));
      case 'cosine': {
        const total = Math.max(1, (c.total ?? 1) - warm);
        const p = Math.min(1, k / total);
        return min + 0.5 * (c.base - min) * (1 + Math.cos(Math.PI * p));
      }
    }
  };
}
