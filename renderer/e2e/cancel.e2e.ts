// A CSV dropped on the window (its extra columns shown); then a large import seen live (done/total, molecules/s, time left, a moving
// bar) and stopped with Cancel: the core drops the half-written collection and the window shows the workspace
// as it was; last, the server going away is noticed.
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
  it('imports a CSV dropped anywhere on the window, with the columns it brought along', async () => {
    const { page } = session;
    await page.goto(session.served.url);
    await page.getByText('No collections yet').waitFor();
    const csv = readFileSync(path.join(sharedData, 'samples', 'esol.csv'), 'utf8').split('\n').slice(0, 21);
    const header = csv[0].split(',');
    const first = csv[1].split(',');
    const dataTransfer = await page.evaluateHandle((content) => {
      const dt = new DataTransfer();
      dt.items.add(new File([content], 'esol-20.csv', { type: 'text/csv' }));
      return dt;
    }, `${csv.join('\n')}\n`);
    await page.dispatchEvent('main', 'dragenter', { dataTransfer });
    await page.getByTestId('drop-overlay').waitFor();
    await session.shot('00-drop-overlay');
    await page.dispatchEvent('main', 'drop', { dataTransfer });
    await page.getByTestId('drop-overlay').waitFor({ state: 'detached' });
    await page.locator('[data-phase=done]').waitFor({ timeout: 60_000 });
    await page.getByRole('heading', { name: 'esol-20' }).waitFor();
    await expect.poll(() => page.getByTestId('molecule-count').innerText()).toBe('20 molecules');

    // Every column but the structure and the name is carried along and shown after the computed ones.
    const carried = header.filter((h) => h !== 'smiles' && h !== 'Compound ID');
    const headers = await page.getByRole('columnheader').allInnerTexts();
    expect(headers.slice(-carried.length).map((h) => h.trim())).toEqual(carried);
    const firstRow = page.locator('[role=row][aria-rowindex="2"]');
    await expect.poll(() => firstRow.locator('[role=cell]').nth(2).innerText()).toBe(first[0]);
    const cells = await firstRow.locator('[role=cell]').allInnerTexts();
    // each to its column's own decimals (judged from all its values), so compared as numbers to the file's
    const shown = cells.slice(-carried.length).map(Number);
    carried.forEach((h, i) => expect(shown[i]).toBeCloseTo(Number(first[header.indexOf(h)]), 2));
    await session.shot('00-csv');
    await page.getByRole('region', { name: 'Import' }).getByRole('button', { name: 'Close' }).click();
  });

  it('shows live progress with rate and time left, and cancels', async () => {
    const { page } = session;

    const zinc = gunzipSync(readFileSync(path.join(sharedData, 'zinc250k', 'train.smi.gz'))).toString('utf8');
    const lines = zinc.split('\n').slice(0, 40_000);
    await page.getByTestId('import-input').setInputFiles({ name: 'zinc-40k.smi', mimeType: 'text/plain', buffer: Buffer.from(lines.join('\n')) });
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
    const sidebar = page.getByRole('navigation', { name: 'Collections' });
    // (each collection's button, its ⋯ menu aside)
    await expect.poll(() => sidebar.getByRole('button').filter({ hasNotText: '⋯' }).allInnerTexts()).toEqual([expect.stringMatching(/^esol-20\s+20 molecules/)]);
    await session.shot('02-cancelled');
    expect(session.troubles).toEqual([]);
  });

  it('says so when the server goes away', async () => {
    await session.served.stop();
    await session.page.getByText(/Lost the connection to Molscape/).waitFor({ timeout: 15_000 });
    await session.shot('03-disconnected');
  });
});
