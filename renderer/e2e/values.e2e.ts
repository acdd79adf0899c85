// Adding a table of measurements to a collection, for real: the ChEMBL series (.smi, names are ChEMBL ids)
// imported in browser mode, then its activities CSV (Name, Act) added through "Add values…"; the Act column
// appears with each molecule's own value from the file, and sorts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSession, sharedData, type Session } from './session.ts';

const series = path.join(sharedData, 'samples', 'chembl2321810-series.smi');
const activities = path.join(sharedData, 'samples', 'chembl2321810-activities.csv');

let session: Session;
let page: Page;
const bodyRows = () => page.locator('[role=row][aria-rowindex]');

beforeAll(async () => {
  session = await openSession('values');
  page = session.page;
});

afterAll(() => session?.close());

describe('add values in browser mode', () => {
  it('joins the activities onto the series by name', async () => {
    const act = new Map((parse(readFileSync(activities), { columns: true }) as { Name: string; Act: string }[]).map((r) => [r.Name, Number(r.Act)]));
    await page.goto(session.served.url);
    await page.getByTestId('import-input').setInputFiles(series);
    await page.locator('[data-phase=done]').waitFor({ timeout: 60_000 });
    await page.getByRole('heading', { name: 'chembl2321810-series' }).waitFor();

    await page.getByTestId('values-input').setInputFiles(activities);
    const message = page.getByTestId('values-message');
    await message.waitFor({ timeout: 30_000 });
    expect(await message.innerText()).toMatch(/^Added Act to [\d,]+ molecules/);
    const header = page.getByRole('columnheader', { name: 'Act' });
    await header.waitFor();

    // Each row shows its own measurement, as the file has it.
    const headers = await page.getByRole('columnheader').allInnerTexts();
    const actColumn = headers.findIndex((h) => h.trim() === 'Act');
    await expect.poll(() => bodyRows().nth(0).locator('[role=cell]').nth(actColumn).innerText()).not.toBe('');
    for (let i = 0; i < 3; i++) {
      const cells = bodyRows().nth(i).locator('[role=cell]');
      const name = await cells.nth(2).innerText();
      expect(Number(await cells.nth(actColumn).innerText())).toBeCloseTo(act.get(name)!, 2);
    }
    await header.getByRole('button').click();
    await header.getByRole('button').click();
    const best = Math.max(...act.values());
    await expect.poll(() => bodyRows().nth(0).locator('[role=cell]').nth(actColumn).innerText().then(Number)).toBeCloseTo(best, 2);
    await session.shot('01-joined');
  });

  it('had no console error, page error or CSP violation', () => {
    expect(session.troubles).toEqual([]);
  });
});
