// jsdom does no layout: every element measures 0×0, so a virtualized list would think nothing is visible.
// Give elements a viewport-sized box for the duration of a test file.
import { afterAll, afterEach, beforeAll } from 'vitest';
import { cleanup } from '@testing-library/svelte';

export function withLayout(width = 1200, height = 700) {
  const saved = {
    w: Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'offsetWidth'),
    h: Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'offsetHeight'),
  };
  beforeAll(() => {
    Object.defineProperty(HTMLElement.prototype, 'offsetWidth', { configurable: true, get: () => width });
    Object.defineProperty(HTMLElement.prototype, 'offsetHeight', { configurable: true, get: () => height });
  });
  afterAll(() => {
    if (saved.w) Object.defineProperty(HTMLElement.prototype, 'offsetWidth', saved.w);
    if (saved.h) Object.defineProperty(HTMLElement.prototype, 'offsetHeight', saved.h);
  });
}

/** Unmount what each test rendered (vitest runs without globals, so testing-library cannot do it itself). */
export function cleanupAfterEach() {
  afterEach(() => cleanup());
}
