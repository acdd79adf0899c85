// The filter panel, for real: ESOL (1,128 molecules) imported in browser mode, a cLogP range typed into the
// slider's boxes and a benzene substructure, the live count checked against RDKit's own Crippen logP and
// substructure match over the file, an unparseable query explained, the filtered set saved as a collection,
// exported as CSV and read back; property columns chosen and sorted. No console error or CSP violation.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRDKit, withMol } from '../../main/chem/rdkit.ts';
import { openSession, sharedData, type Session } from './session.ts';

const esolPath = path.join(sharedData, 'samples', 'esol.csv');
const BENZENE = 'c1ccccc1';

interface Expected {
  canonical: string;
  clogp: number;
  benzene: boolean;
}

/** Every distinct molecule of the file, with RDKit's Crippen logP and whether it holds a benzene ring. */
async function fromRdkit(): Promise<Expected[]> {
  const rdkit = await loadRDKit();
  const rows = parse(readFileSync(esolPath), { columns: true }) as Record<string, string>[];
  const query = rdkit.get_qmol(BENZENE);
  if (!query) throw new Error(`RDKit cannot read the query ${BENZENE}`);
  const seen = new Map<string, Expected>();
  try {
    for (const row of rows) {
      const found = withMol(row.smiles.trim(), (m) => ({
        canonical: m.get_smiles(),
        clogp: (JSON.parse(m.get_descriptors()) as Record<string, number>).CrippenClogP,
        benzene: m.get_substruct_match(query) !== '{}',
      }));
      if (found && !seen.has(found.canonical)) seen.set(found.canonical, found);
    }
  } finally {
    query.delete();
  }
  return [...seen.values()];
}

/** A bound near `wanted` with no molecule within 0.003 of it, so a last-digit difference cannot move the count. */
function clearBound(values: number[], wanted: number): number {
  for (let i = 0; i < 100; i++) {
    const b = Number((wanted + i / 100).toFixed(2));
    if (values.every((v) => Math.abs(v - b) > 0.003)) return b;
  }
  throw new Error(`no clear bound near ${wanted}`);
}

let session: Session;
let page: Page;
let expected: Expected[];
const shot = (name: string) => session.shot(name);
const bodyRows = () => page.locator('[role=row][aria-rowindex]');
const columnIndex = async (name: string) =>
  (await page.getByRole('columnheader').allInnerTexts()).findIndex((t) => t.replace(/[▲▼]/g, '').trim() === name);
const cellText = (row: number, column: number) => bodyRows().nth(row).locator('[role=cell]').nth(column).innerText();

beforeAll(async () => {
  [session, expected] = await Promise.all([openSession('filter'), fromRdkit()]);
  page = session.page;
});

afterAll(() => session?.close());

describe('filter, save and export in browser mode', () => {
  let low = 0;
  let high = 0;
  let passing: Expected[] = [];

  it('imports ESOL and fills in its properties', async () => {
    await page.goto(session.served.url);
    await page.getByText('No collections yet').waitFor();
    await page.getByTestId('import-input').setInputFiles(esolPath);
    await page.locator('[data-phase=done]').waitFor({ timeout: 60_000 });
    await page.getByRole('heading', { name: 'esol' }).waitFor();
    await expect.poll(() => page.getByTestId('molecule-count').innerText()).toBe(`${expected.length.toLocaleString('en-US')} molecules`);
    await page.getByText(/Computing properties/).waitFor({ state: 'detached', timeout: 120_000 });
  });

  it('counts the molecules in a cLogP range holding a benzene ring, as RDKit does', async () => {
    const clogps = expected.map((e) => e.clogp);
    low = clearBound(clogps, 1);
    high = clearBound(clogps, 3);
    passing = expected.filter((e) => e.benzene && e.clogp >= low && e.clogp <= high);
    const inRange = expected.filter((e) => e.clogp >= low && e.clogp <= high).length;
    expect(passing.length).toBeGreaterThan(20);
    expect(passing.length).toBeLessThan(inRange);

    await page.getByRole('button', { name: /^Filter/ }).click();
    const count = page.getByTestId('filter-count');
    await expect.poll(() => count.innerText()).toBe(`${expected.length.toLocaleString('en-US')} molecules`);
    await shot('01-panel');

    await page.getByRole('textbox', { name: 'cLogP minimum' }).fill(String(low));
    await page.getByRole('textbox', { name: 'cLogP maximum' }).fill(String(high));
    await page.getByRole('textbox', { name: 'cLogP maximum' }).press('Tab');
    await expect.poll(() => count.innerText(), { timeout: 15_000 }).toBe(`${inRange} of ${expected.length.toLocaleString('en-US')} molecules pass`);

    await page.getByRole('textbox', { name: /Substructure/ }).fill(BENZENE);
    // The first substructure query builds the collection's search index: give it time.
    await expect.poll(() => count.innerText(), { timeout: 60_000 }).toBe(`${passing.length} of ${expected.length.toLocaleString('en-US')} molecules pass`);
    await expect.poll(() => page.getByTestId('shown-count').innerText(), { timeout: 15_000 }).toBe(`${passing.length} shown`);

    // The table shows exactly those: every cLogP in view inside the range, every SMILES one RDKit counted.
    // the canonical SMILES column is off by default (the drawing says the same): turned on to compare
    await page.getByText(/^Columns/).click();
    await page.getByRole('checkbox', { name: 'Canonical SMILES' }).check();
    await page.getByText(/^Columns/).click();
    const clogp = await columnIndex('cLogP');
    const smiles = await columnIndex('Canonical SMILES');
    const wanted = new Set(passing.map((p) => p.canonical));
    await expect.poll(() => bodyRows().count()).toBeGreaterThan(3);
    for (let i = 0; i < 4; i++) {
      const value = Number(await cellText(i, clogp));
      expect(value).toBeGreaterThanOrEqual(low - 0.005);
      expect(value).toBeLessThanOrEqual(high + 0.005);
      expect(wanted.has(await cellText(i, smiles))).toBe(true);
    }
    await shot('02-filtered');
  });

  it('says why a query does not parse, and keeps the last good filter', async () => {
    const box = page.getByRole('textbox', { name: /Substructure/ });
    await box.fill('c1ccc(');
    const error = page.getByTestId('query-error');
    await error.waitFor();
    expect((await error.innerText()).length).toBeGreaterThan(10);
    expect(await page.getByRole('button', { name: 'Save as collection' }).isDisabled()).toBe(true);
    expect(await page.getByTestId('shown-count').innerText()).toBe(`${passing.length} shown`);
    await shot('03-bad-query');
    await box.fill(BENZENE);
    await error.waitFor({ state: 'detached' });
    await page.locator('[data-testid=filter-count][data-checking=no]').waitFor();
  });

  it('saves the filtered set as a collection, which opens from the sidebar', async () => {
    await page.getByRole('textbox', { name: 'Name of the new collection' }).fill('esol benzenes');
    await page.getByRole('button', { name: 'Save as collection' }).click();
    await page.getByRole('heading', { name: 'esol benzenes' }).waitFor();
    await expect.poll(() => page.getByTestId('molecule-count').innerText(), { timeout: 15_000 }).toBe(`${passing.length} molecules`);
    const sidebar = page.getByRole('navigation', { name: 'Collections' });
    expect(await sidebar.innerText()).toContain('esol benzenes');
    await shot('04-saved');
  });

  it('exports the new collection as CSV that reads back to the same molecules', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('group', { name: 'Export' }).getByRole('button', { name: 'CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const file = await download.path();
    const rows = parse(readFileSync(file), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(passing.length);
    const smilesKey = Object.keys(rows[0]).find((k) => /smiles/i.test(k))!;
    const read = new Set(rows.map((r) => withMol(r[smilesKey], (m) => m.get_smiles())));
    expect(read).toEqual(new Set(passing.map((p) => p.canonical)));
    for (const r of rows) {
      expect(Number(r.clogp)).toBeGreaterThanOrEqual(low - 0.005);
      expect(Number(r.clogp)).toBeLessThanOrEqual(high + 0.005);
    }
  });

  it('shows more property columns on request and sorts by them', async () => {
    await page.getByText(/^Columns/).click();
    await page.getByRole('group', { name: 'Property columns' }).getByRole('checkbox', { name: /QED$/ }).check();
    await page.getByRole('group', { name: 'Property columns' }).getByRole('checkbox', { name: /SA score/ }).check();
    await page.getByText(/^Columns/).click();
    const qedHeader = page.getByRole('columnheader', { name: /^QED/ });
    await qedHeader.waitFor();
    await qedHeader.getByRole('button').click();
    await qedHeader.getByRole('button').click();
    await expect.poll(() => qedHeader.getAttribute('aria-sort')).toBe('descending');
    const qed = await columnIndex('QED');
    await expect
      .poll(async () => {
        const [a, b, c] = await Promise.all([0, 1, 2].map((i) => cellText(i, qed).then(Number)));
        return a >= b && b >= c && a <= 1 && c > 0;
      })
      .toBe(true);
    await expect.poll(() => bodyRows().nth(2).locator('img').count(), { timeout: 30_000 }).toBe(1);
    await shot('05-columns');
  });

  it('had no console error, page error or CSP violation (beyond the refused query)', () => {
    const troubles = session.troubles.filter((t) => !/^HTTP 400 POST \/api\/collections\.molecules$/.test(t) && !/status of 400/.test(t));
    expect(troubles).toEqual([]);
  });
});
