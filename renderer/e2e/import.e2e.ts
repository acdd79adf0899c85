// The whole import flow, for real: browser mode started as a chemist would, Debian's Chromium, a .smi file with
// good lines, duplicates and bad lines uploaded through the Import button; then the row count, the problems
// (line numbers and reasons), the structure drawings, the properties filling in, scrolling and sorting, all
// under the server's strict CSP with no console error. What is expected is worked out from the file with RDKit.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRDKit, withMol } from '../../main/chem/rdkit.ts';
import { openSession, repoRoot, sharedData, type Session } from './session.ts';

const readmeShot = path.join(repoRoot, 'resources', 'screenshots', 'molscape-import.png');

/** 280 real molecules, 10 of them again, and 10 lines RDKit refuses, mixed through a 300-line file. */
function seriesFile() {
  const source = readFileSync(path.join(sharedData, 'samples', 'chembl2321810-series.smi'), 'utf8');
  const good = source.split('\n').filter(Boolean).slice(0, 280);
  const bad = [
    'C1CC(C unclosed-branch',
    'c1cccc1 five-ring-aromatic',
    'C(C)(C)(C)(C)C pentavalent-carbon',
    'XyZ not-smiles',
    'CC(=O)O)C extra-parenthesis',
    'O=C=O=O overbonded-oxygen',
    'N1CC2CC1 unclosed-ring',
    'c1ccncc open-aromatic',
    'C%1 broken-ring-number',
    'CC[N+](C)(C)(C)(C)C overbonded-nitrogen',
  ];
  const lines: string[] = [];
  const badLines: { line: number; text: string }[] = [];
  let g = 0;
  let b = 0;
  let d = 0;
  for (let n = 1; n <= 300; n++) {
    if (n % 30 === 15 && b < bad.length) {
      badLines.push({ line: n, text: bad[b] });
      lines.push(bad[b++]);
    } else if (n % 30 === 0 && d < 10) {
      lines.push(good[d++ * 7]); // a line seen earlier, again
    } else {
      lines.push(good[g++]);
    }
  }
  return { text: `${lines.join('\n')}\n`, lines, badLines, goodLines: lines.filter((_, i) => !badLines.some((x) => x.line === i + 1)) };
}

let session: Session;
let page: Page;

const shot = (name: string) => session.shot(name);
const bodyRows = () => page.locator('[role=row][aria-rowindex]');
const cellText = (row: number, column: number) => bodyRows().nth(row).locator('[role=cell]').nth(column).innerText();

beforeAll(async () => {
  [session] = await Promise.all([openSession('import'), loadRDKit()]);
  page = session.page;
});

afterAll(() => session?.close());

describe('import in browser mode', () => {
  const file = seriesFile();

  it('opens on an empty workspace, under a strict CSP, and takes the token out of the address', async () => {
    const response = await page.goto(session.served.url);
    const csp = response!.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    await page.getByText('No collections yet').waitFor();
    expect(page.url()).toBe(`${session.served.origin}/`);
    await shot('01-empty');
  });

  it('imports the file: progress, then the collection with the right counts', async () => {
    // Worked out independently: which lines RDKit reads, and how many distinct molecules they hold.
    const canonical = file.goodLines.map((l) => withMol(l.split(' ')[0], (m) => m.get_smiles()));
    expect(canonical.every(Boolean)).toBe(true);
    for (const { text } of file.badLines) expect(withMol(text.split(' ')[0], () => true)).toBeUndefined();
    const distinct = new Set(canonical).size;

    await page.getByTestId('import-input').setInputFiles({ name: 'series.smi', mimeType: 'text/plain', buffer: Buffer.from(file.text) });
    const card = page.getByRole('region', { name: 'Import' });
    await card.waitFor();
    await shot('02-progress');
    await page.locator('[data-phase=done]').waitFor({ timeout: 60_000 });
    await page.getByRole('heading', { name: 'series' }).waitFor();

    await expect.poll(() => page.getByTestId('molecule-count').innerText()).toBe(`${distinct} molecules`);
    const summary = await page.locator('.summary').innerText();
    expect(summary).toContain(`${file.goodLines.length - distinct} duplicates merged`);
    expect(summary).toContain(`${file.badLines.length} problems`);
    const sidebar = page.getByRole('navigation', { name: 'Collections' });
    expect(await sidebar.innerText()).toContain(`${distinct} molecules`);
    // the import card says what the import did and where it is listed (issue 16, item 2)
    expect(await page.getByTestId('import-outcome').innerText()).toBe(
      `${distinct} imported · ${file.goodLines.length - distinct} duplicates merged · ${file.badLines.length} not imported\u00a0— each listed under Problems`,
    );
    await shot('02b-imported');
  });

  it('draws every visible structure as an image from the core', async () => {
    const images = page.locator('img[alt^="Structure of"]');
    await expect.poll(() => images.count(), { timeout: 30_000 }).toBeGreaterThan(5);
    // Decoded, i.e. the data: URL was allowed and held a valid SVG.
    await expect
      .poll(() => images.evaluateAll((all) => all.every((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0)))
      .toBe(true);
    const first = file.goodLines[0].split(' ');
    expect(await cellText(0, 2)).toBe(first[1]);
    // the canonical SMILES column is one the chemist turns on (the drawing says the same)
    await page.getByText(/^Columns/).click();
    await page.getByRole('checkbox', { name: 'Canonical SMILES' }).check();
    await expect.poll(() => cellText(0, 3)).toBe(withMol(first[0], (m) => m.get_smiles()));
    await page.getByRole('checkbox', { name: 'Canonical SMILES' }).uncheck();
    await page.getByText(/^Columns/).click();
  });

  it('fills in the properties as the second job computes them', async () => {
    await expect.poll(() => cellText(0, 3), { timeout: 90_000 }).toMatch(/^\d+\.\d{2}$/);
    await page.getByText(/Computing properties/).waitFor({ state: 'detached', timeout: 90_000 });
    const smiles = file.goodLines[0].split(' ')[0];
    const descriptors = withMol(smiles, (m) => JSON.parse(m.get_descriptors()) as Record<string, number>)!;
    expect(await cellText(0, 3)).toBe(descriptors.amw.toFixed(2));
    expect(await cellText(0, 5)).toBe(descriptors.tpsa.toFixed(2));
    expect(await cellText(0, 6)).toBe(String(descriptors.NumHBD));
    expect(await cellText(0, 7)).toBe(String(descriptors.NumHBA));
    expect(await cellText(0, 4)).toMatch(/^-?\d+\.\d{2}$/);
    await shot('03-table');
    // The README's picture is refreshed on request only, so a test run leaves the tree clean.
    if (process.env.UPDATE_README_SCREENSHOT) await page.screenshot({ path: readmeShot });
  });

  it('scrolls to the last molecule and sorts by a clicked column', async () => {
    const total = Number((await page.getByTestId('molecule-count').innerText()).split(' ')[0]);
    await page.getByTestId('molecule-scroller').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    const last = bodyRows().filter({ has: page.locator('[role=cell]:first-child', { hasText: new RegExp(`^${total}$`) }) });
    await last.waitFor();
    await expect.poll(() => last.locator('img').evaluate((img) => (img as HTMLImageElement).naturalWidth), { timeout: 30_000 }).toBeGreaterThan(0);
    await shot('04-scrolled');

    await page.getByRole('columnheader', { name: /MW/ }).getByRole('button').click();
    await page.getByRole('columnheader', { name: /MW/ }).getByRole('button').click();
    await expect.poll(() => page.getByRole('columnheader', { name: /MW/ }).getAttribute('aria-sort')).toBe('descending');
    await expect.poll(async () => Number(await cellText(0, 3)) >= Number(await cellText(1, 3)) && Number(await cellText(1, 3)) >= Number(await cellText(2, 3))).toBe(true);
    // The heaviest molecules were not on screen before: their drawings are asked for and arrive.
    await expect.poll(() => bodyRows().nth(2).locator('img').count(), { timeout: 30_000 }).toBe(1);
    await shot('05-sorted');
  });

  it('lists the lines that failed, with their line numbers and reasons', async () => {
    await page.getByRole('tab', { name: /Problems/ }).click();
    const rows = page.locator('[data-testid=problem][data-severity=error]');
    await expect.poll(() => rows.count()).toBe(file.badLines.length);
    const shown = await rows.evaluateAll((all) => all.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    expect(shown.map((r) => Number(r[0]))).toEqual(file.badLines.map((b) => b.line));
    for (const [i, [, , reason, text]] of shown.entries()) {
      expect(reason.trim().length).toBeGreaterThan(3);
      expect(text).toContain(file.badLines[i].text.split(' ')[0]);
    }
    // beside them, each duplicate as a note naming its first row: nothing dropped silently
    const notes = page.locator('[data-testid=problem][data-severity=info]');
    const noted = await notes.evaluateAll((all) => all.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    const again = file.lines.flatMap((l, i) => ((i + 1) % 30 === 0 ? [i + 1] : []));
    expect(noted.map((r) => Number(r[0]))).toEqual(again);
    for (const [, kind, reason] of noted) {
      expect(kind).toBe('note');
      expect(reason).toMatch(/^duplicate: the same structure as line \d+ \(\d+\), .*; merged into it/);
    }
    await shot('06-problems');
  });

  it('says what an import changed: salts stripped, duplicates merged with a conflict, or kept as rows when chosen', async () => {
    const assay = [
      'smiles,name,SR-MMP,NR-AR',
      'CC(=O)Nc1ccc(O)cc1,paracetamol,,1',
      'CC(=O)Nc1ccc(O)cc1.Cl,paracetamol HCl,0,1',
      'CCN(CC)CC.Cl,triethylamine HCl,1,0',
      'CCN(CC)CC,triethylamine,0,',
      'C1CC,broken,1,1',
      'c1ccccc1O,phenol,0,0',
    ].join('\n');
    const importAssay = async (name: string) => {
      await page.getByRole('button', { name: 'Close' }).first().click();
      await page.getByTestId('import-input').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(`${assay}\n`) });
      await page.locator('[data-phase=done]').waitFor({ timeout: 60_000 });
      return page.getByTestId('import-outcome').innerText();
    };
    expect(await page.getByTestId('import-duplicates').inputValue()).toBe('merge');
    expect(await importAssay('assay.csv')).toBe('3 imported · 2 duplicates merged (1 with other values) · 2 salts stripped · 1 not imported · 1 warning\u00a0— each listed under Problems');
    await page.getByRole('heading', { name: 'assay' }).waitFor();
    await page.getByRole('tab', { name: /Problems/ }).click();
    const kinds = page.locator('[data-testid=problem]');
    await expect.poll(() => kinds.count()).toBe(6);
    const shown = await kinds.evaluateAll((all) => all.map((tr) => [(tr as HTMLElement).dataset.severity, Number.parseInt(tr.querySelectorAll('td')[0].textContent ?? '', 10)]));
    expect(shown).toEqual([['info', 3], ['info', 3], ['info', 4], ['info', 5], ['warning', 5], ['error', 6]]);
    expect(await kinds.nth(4).innerText()).toMatch(/SR-MMP 1 kept, 0 here/);
    await shot('07-assay-notes');

    await page.getByTestId('import-duplicates').selectOption('keep');
    expect(await importAssay('assay-kept.csv')).toBe('5 imported · 2 duplicates kept as rows · 2 salts stripped · 1 not imported\u00a0— each listed under Problems');
    await page.getByTestId('import-duplicates').selectOption('merge');
  });

  it('had no console error, page error or CSP violation', () => {
    expect(session.troubles).toEqual([]);
  });
});
