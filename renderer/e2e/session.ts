// One end-to-end session: a fresh workspace served in browser mode, Chromium with a watched page, and a
// screenshot helper writing into test-results/ (gitignored) for a person to look at.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, watchedPage } from './browser.ts';
import { serve, type Served } from './serve.ts';

export const repoRoot = path.resolve(import.meta.dirname, '..', '..');
export const sharedData = path.join(repoRoot, '..', 'shared', 'data');
const shots = path.join(repoRoot, 'test-results');

export interface Session {
  served: Served;
  browser: Browser;
  page: Page;
  troubles: string[];
  shot(name: string): Promise<unknown>;
  close(): Promise<void>;
}

export async function openSession(prefix: string): Promise<Session> {
  mkdirSync(shots, { recursive: true });
  const [served, browser] = await Promise.all([serve(), launchChromium()]);
  const { page, troubles } = await watchedPage(browser);
  return {
    served,
    browser,
    page,
    troubles,
    shot: (name) => page.screenshot({ path: path.join(shots, `${prefix}-${name}.png`) }),
    close: async () => {
      await browser.close();
      await served.stop();
    },
  };
}
