// From a slider move to the new structure drawn, measured in the page: the clock starts just before the
// slider's 'input' event is dispatched, and stops once the walk panel says it shows that move (data-move, set
// in the same update as the new drawing), the drawing's image is decoded, and a frame has been painted. One
// move at a time, sweeping the slider out and back (a chemist dragging it), so no move rides on another's call.
import type { Page } from 'playwright-core';

export interface SliderTimes {
  moves: number;
  p50: number;
  p95: number;
  max: number;
  mean: number;
}

export interface TimedMoves {
  times: number[];
  /** per move: whether its slider position was visited before in this sweep (the page answers it from its cache) */
  revisits: boolean[];
  /**
   * per move: the latent.walk call it made, ms (null: none; a new position the page had fetched ahead, or a
   * revisit). Needs the page's fetch wrapper (window.__walkCalls: the moves' calls, prefetches left out);
   * without it, null where no walk request was made and NaN where one was.
   */
  callMs: (number | null)[];
  /** per move: from the input event to the walk panel's update (data-move set), and to the drawing decoded —
   * the page's own work before it waits for the next frame */
  toUpdate: number[];
  toDecoded: number[];
  summary: SliderTimes;
}

/**
 * `pace` (ms): a move starts no sooner than this after the one before it started (a hand dragging at most
 * 1000/pace positions a second); 0: each move as soon as the last one is drawn.
 */
export async function timeSliderMoves(page: Page, moves: number, direction?: string, pace = 0): Promise<TimedMoves> {
  const { times, revisits, callMs, toUpdate, toDecoded } = await page.evaluate(
    async ({ moves, direction, pace }) => {
      const selector = direction ? `input[type=range][data-direction="${direction}"]` : 'input[type=range][data-direction]';
      const slider = document.querySelector<HTMLInputElement>(selector);
      const result = document.querySelector<HTMLElement>('[data-testid=walk-result]');
      if (!slider || !result) throw new Error('no walk slider or result on the page');
      const step = Number(slider.step) || 0.25;
      const max = Number(slider.max);
      const shown = () => Number(result.dataset.move);
      const walkRequests = () => performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/latent.walk')).length;
      const wrapped = (window as unknown as { __walkCalls?: number[] }).__walkCalls;
      const out: number[] = [];
      const again: boolean[] = [];
      const called: (number | null)[] = [];
      const updated: number[] = [];
      const decoded: number[] = [];
      let value = Number(slider.value);
      const visited = new Set<number>([value]);
      let sign = 1;
      let started = -Infinity;
      for (let i = 0; i < moves; i++) {
        if (Math.abs(value + sign * step) > max / 2) sign = -sign;
        value = Math.round((value + sign * step) * 1000) / 1000;
        const rest = started + pace - performance.now();
        if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
        const before = shown();
        const callsBefore = wrapped?.length ?? 0;
        const t0 = performance.now();
        started = t0;
        performance.clearResourceTimings();
        slider.value = String(value);
        slider.dispatchEvent(new Event('input', { bubbles: true }));
        await new Promise<void>((resolve, reject) => {
          if (shown() > before) return resolve();
          const timer = setTimeout(() => reject(new Error(`move ${i + 1} was not drawn within 20 s`)), 20_000);
          const observer = new MutationObserver(() => {
            if (shown() > before) {
              observer.disconnect();
              clearTimeout(timer);
              resolve();
            }
          });
          observer.observe(result, { attributes: true, attributeFilter: ['data-move'] });
        });
        updated.push(performance.now() - t0);
        const img = result.querySelector('img');
        if (img) await img.decode().catch(() => {});
        decoded.push(performance.now() - t0);
        await new Promise((resolve) => requestAnimationFrame(resolve));
        out.push(performance.now() - t0);
        again.push(visited.has(value));
        visited.add(value);
        if (wrapped) called.push(wrapped.length > callsBefore ? wrapped[wrapped.length - 1] : null);
        else called.push(walkRequests() > 0 ? NaN : null);
      }
      return { times: out, revisits: again, callMs: called, toUpdate: updated, toDecoded: decoded };
    },
    { moves, direction, pace },
  );
  return { times, revisits, callMs, toUpdate, toDecoded, summary: summarize(times) };
}

export function summarize(times: number[]): SliderTimes {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    moves: times.length,
    p50: round(at(0.5)),
    p95: round(at(0.95)),
    max: round(sorted.at(-1) ?? 0),
    mean: round(times.reduce((a, b) => a + b, 0) / Math.max(1, times.length)),
  };
}
