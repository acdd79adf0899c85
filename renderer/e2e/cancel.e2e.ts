/* eslint-disable no-restricted-imports -- an e2e test runs in Node: it starts the real server */
// A large import seen live (done/total, molecules/s, time left, a moving bar) and stopped with Cancel: the
// core drops the half-written collection and the window shows the workspace as it was.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSession, sharedData, type Session } from './session.ts';

let session: Session;

beforeAll(async () => {
  session = await openSession('cancel');
});

afterAll(() => session?.close());

describe('a large import', () => {
  it('shows live progress with rate and time left, and cancels', async () => {
    const { page } = session;
    await page.goto(session.served.url);
    await page.getByText('No collections yet').waitFor();

    const zinc = gunzipSync(readFileSync(path.join(sharedData, 'zinc250k', 'train.smi.gz'))).toString('utf8');
    const lines = zinc.split('\n').slice(0, 60_000);
    await page.getByTestId('import-input').setInputFiles({ name: 'zinc-60k.smi', mimeType: 'text/plain', buffer: Buffer.from(lines.join('\n')) });
    const card = page.getByRole('region', { name: 'Import' });
    await card.getByText(/\d molecules\/s/).waitFor({ timeout: 60_000 });
    await card.getByText(/left$/).waitFor();
    const bar = card.getByRole('progressbar');
    await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await card.innerText()).toMatch(new RegExp(`[\\d,]+ / ${lines.length.toLocaleString('en-US')}`));
    await session.shot('01-progress');

    await card.getByRole('button', { name: 'Cancel' }).click();
    await page.locator('[data-phase=cancelled]').waitFor({ timeout: 30_000 });
    // The half-written collection is gone again, and the sidebar says so.
    await page.getByRole('navigation', { name: 'Collections' }).getByText('Nothing imported yet.').waitFor();
    await session.shot('02-cancelled');
    expect(session.troubles).toEqual([]);
  });

  it('says so when the server goes away', async () => {
    await session.served.stop();
    await session.page.getByText(/Lost the connection to Molscape/).waitFor({ timeout: 15_000 });
    await session.shot('03-disconnected');
  });
});
