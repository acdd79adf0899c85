// Runs two systems alternately (A B A B …) in one benchmark run, so that whatever else the machine is doing falls
// on both alike, and summarizes each: median and range of every figure, the load average before and after. A
// ratio is given only when both ran; a system that is not installed is said to be missing, never estimated.
import os from 'node:os';

export interface Summary {
  runs: number;
  median: number;
  min: number;
  max: number;
}

export function summarize(xs: readonly number[]): Summary {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  const median = n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  return { runs: n, median, min: s[0], max: s[n - 1] };
}

export const loadAverage = () => os.loadavg().map((x) => +x.toFixed(2));

/**
 * pairs × (a(), b()) alternately; b returning null means the other system is missing (then a runs alone). Each
 * returns named figures (larger is faster); the summary has each figure's median and range per system.
 */
export async function alternate(
  pairs: number,
  a: () => Promise<Record<string, number>>,
  b: (() => Promise<Record<string, number> | null>) | null,
): Promise<{ a: Record<string, Summary>; b: Record<string, Summary> | null; order: string; loadBefore: number[]; loadAfter: number[] }> {
  const loadBefore = loadAverage();
  const as: Record<string, number>[] = [], bs: Record<string, number>[] = [];
  let order = '', missing = b === null;
  for (let i = 0; i < pairs; i++) {
    as.push(await a());
    order += 'A';
    if (!missing) {
      const r = await b!();
      if (r === null) missing = true;
      else {
        bs.push(r);
        order += 'B';
      }
    }
  }
  const collect = (rs: Record<string, number>[]) => Object.fromEntries(Object.keys(rs[0]).map((k) => [k, summarize(rs.map((r) => r[k]))]));
  return { a: collect(as), b: bs.length ? collect(bs) : null, order, loadBefore, loadAfter: loadAverage() };
}

/**
 * An A/B script's figures (times per figure for A and for B over interleaved rounds): per figure each side's
 * median and range under its name, and the ratio of the medians either way round.
 */
export function abFigures(t: Record<string, { A: number[]; B: number[] }>, names: [string, string], ratio: 'B_over_A' | 'A_over_B') {
  const side = (xs: number[]) => {
    const s = summarize(xs);
    return { median: +s.median.toFixed(3), range: [+s.min.toFixed(3), +s.max.toFixed(3)] };
  };
  return Object.fromEntries(Object.entries(t).map(([f, v]) => {
    const [a, b] = [summarize(v.A).median, summarize(v.B).median];
    return [f, { [names[0]]: side(v.A), [names[1]]: side(v.B), [ratio]: +(ratio === 'B_over_A' ? b / a : a / b).toFixed(3) }];
  }));
}
