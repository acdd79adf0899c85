// Plots, search and shortlists, for real (issue 17, items 3-5; issue 16, item 3's switch): ESOL (1,128 rows)
// imported in browser mode; the filter panel's histograms and statistics checked against RDKit's Crippen logP
// over the file; a substructure typed as SMARTS and as SMILES, each count equal to RDKit's own matches, a
// query that does not parse explained inline with no count and no HTTP 400; a scatter plot of MW against the
// file's measured solubility coloured by cLogP, a hover that draws the structure, a brush turned into a
// filter and into a selection; similarity search from a typed SMILES and from the selected molecule, the
// hits' Tanimoto equal to RDKit's; a shortlist of 12 diverse molecules kept as a candidate list, more diverse
// than random picks. Screenshots in test-results/plots-*.png.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { parse } from 'csv-parse/sync';
import { deviation, mean, median } from 'd3-array';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRDKit, withMol } from '../../main/chem/rdkit.ts';
import { morganFingerprintOf, tanimoto } from '../../main/chem/fingerprint.ts';
import { openSession, sharedData, type Session } from './session.ts';

const esolPath = path.join(sharedData, 'samples', 'esol.csv');
const SMARTS_PHENOL = '[OH]c1ccccc1';
const SMILES_PHENOL = 'Oc1ccccc1';
const PARACETAMOL = 'CC(=O)Nc1ccc(O)cc1';

interface Molecule {
  canonical: string;
  clogp: number;
  mw: number;
  solubility: number;
  phenolSmarts: boolean;
  phenolSmiles: boolean;
  fp: Uint32Array;
}

/** Every distinct molecule of the file (the first of each canonical SMILES, as the import keeps), read by RDKit. */
async function fromRdkit(): Promise<Molecule[]> {
  const rdkit = await loadRDKit();
  const rows = parse(readFileSync(esolPath), { columns: true }) as Record<string, string>[];
  const smarts = rdkit.get_qmol(SMARTS_PHENOL)!;
  const smiles = rdkit.get_mol(SMILES_PHENOL)!;
  const seen = new Map<string, Molecule>();
  try {
    for (const row of rows) {
      const found = withMol(row.smiles.trim(), (m) => ({
        canonical: m.get_smiles(),
        clogp: (JSON.parse(m.get_descriptors()) as Record<string, number>).CrippenClogP,
        mw: (JSON.parse(m.get_descriptors()) as Record<string, number>).amw,
        solubility: Number(row['measured log solubility in mols per litre']),
        phenolSmarts: m.get_substruct_match(smarts) !== '{}',
        phenolSmiles: m.get_substruct_match(smiles) !== '{}',
      }));
      if (found && !seen.has(found.canonical)) seen.set(found.canonical, { ...found, fp: morganFingerprintOf(found.canonical)! });
    }
  } finally {
    smarts.delete();
    smiles.delete();
  }
  return [...seen.values()];
}

let session: Session;
let page: Page;
let mols: Molecule[];
const shot = (name: string) => session.shot(name);
const n = (v: number) => v.toLocaleString('en-US');

beforeAll(async () => {
  [session, mols] = await Promise.all([openSession('plots'), fromRdkit()]);
  page = session.page;
});

afterAll(() => session?.close());

describe('plots, search and shortlists in browser mode', () => {
  it('imports ESOL and fills in its properties', async () => {
    await page.goto(session.served.url);
    await page.getByText('No collections yet').waitFor();
    await page.getByTestId('import-input').setInputFiles(esolPath);
    await page.locator('[data-phase=done]').waitFor({ timeout: 60_000 });
    await page.getByRole('heading', { name: 'esol' }).waitFor();
    await expect.poll(() => page.getByTestId('molecule-count').innerText()).toBe(`${n(mols.length)} molecules`);
    await page.getByText(/Computing properties/).waitFor({ state: 'detached', timeout: 120_000 });
  });

  it("shows each column's histogram and statistics beside its slider, as RDKit's values give them", async () => {
    await page.getByRole('button', { name: /^Filter/ }).click();
    const stats = page.getByTestId('stats-clogp');
    await stats.waitFor({ timeout: 30_000 });
    const clogp = mols.map((m) => m.clogp);
    const text = await stats.innerText();
    expect(text).toContain(`n ${n(mols.length)}`);
    expect(text).not.toContain('missing');
    expect(text).toContain(`mean ${mean(clogp)!.toFixed(2)}`);
    expect(text).toContain(`median ${median(clogp)!.toFixed(2)}`);
    expect(text).toContain(`sd ${deviation(clogp)!.toFixed(2)}`);
    expect(text).toContain(`${Math.min(...clogp).toFixed(2)} – ${Math.max(...clogp).toFixed(2)}`);
    // the file's own columns get theirs too
    await page.getByTestId('stats-user:measured log solubility in mols per litre').waitFor();
    expect(await page.getByTestId('histogram-clogp').locator('rect.all').count()).toBe(30);
    await shot('01-histograms');
  });

  it('reads a substructure as SMARTS or SMILES, as chosen, each count as RDKit counts it', async () => {
    const box = page.getByRole('textbox', { name: 'Substructure' });
    const count = page.getByTestId('filter-count');
    const settled = () => page.locator('[data-testid=filter-count][data-checking=no]').waitFor();
    const smartsCount = mols.filter((m) => m.phenolSmarts).length;
    const smilesCount = mols.filter((m) => m.phenolSmiles).length;
    // SMILES leaves the hydrogens free: ethers and esters of phenols match too
    expect(smilesCount).toBeGreaterThan(smartsCount);
    expect(await page.getByTestId('mode-hint').innerText()).toMatch(/SMARTS matches atoms as written/);
    // typed a character at a time, as a chemist types: the count that stays is the last query's
    await box.pressSequentially(SMARTS_PHENOL, { delay: 40 });
    await expect.poll(() => count.innerText(), { timeout: 60_000 }).toBe(`${smartsCount} of ${n(mols.length)} molecules pass`);
    await settled();
    await shot('02-smarts');

    await page.getByRole('radio', { name: 'SMILES' }).check();
    await box.fill(SMILES_PHENOL);
    await expect.poll(() => count.innerText(), { timeout: 30_000 }).toBe(`${smilesCount} of ${n(mols.length)} molecules pass`);
    await settled();
    expect(await page.getByTestId('mode-hint').innerText()).toMatch(/SMILES matches the molecule as drawn/);

    // a query that does not parse: said inline, no number left standing, nothing refused in the console
    await page.getByRole('radio', { name: 'SMARTS' }).check();
    await box.fill('c1ccc(');
    const error = page.getByTestId('query-error');
    await error.waitFor();
    expect(await error.innerText()).toMatch(/Not a valid SMARTS/);
    await settled();
    expect(await count.innerText()).toMatch(/No count/);
    await shot('03-bad-query');
    await box.fill('');
    await error.waitFor({ state: 'detached' });
    await expect.poll(() => count.innerText()).toBe(`${n(mols.length)} molecules`);
    await page.getByRole('button', { name: /^Filter/ }).click();
  });

  it('plots two columns coloured by a third, and hovering a point draws its structure', async () => {
    await page.getByRole('button', { name: 'Plot', exact: true }).click();
    await page.getByRole('combobox', { name: 'x axis' }).selectOption('mol_wt');
    await page.getByRole('combobox', { name: 'y axis' }).selectOption('user:measured log solubility in mols per litre');
    await page.getByRole('combobox', { name: 'colour by' }).selectOption('clogp');
    const plot = page.getByTestId('scatter-plot');
    await expect.poll(() => page.getByTestId('scatter-count').innerText(), { timeout: 30_000 }).toBe(`${n(mols.length)} molecules`);
    await expect.poll(() => plot.getAttribute('data-points')).toBe(String(mols.length));
    // the colour spans the 2nd-98th percentile of cLogP; the data's own ends shown beside it
    const dataEnds = `data ${Math.min(...mols.map((m) => m.clogp)).toFixed(2)} – ${Math.max(...mols.map((m) => m.clogp)).toFixed(2)}`;
    await expect.poll(() => page.getByTestId('scatter-legend').innerText(), { timeout: 15_000 }).toContain(dataEnds);

    const box = (await plot.boundingBox())!;
    const tip = page.getByTestId('scatter-tooltip');
    // rest the pointer where the cloud is dense until a point is under it
    for (let k = 0; k < 120 && !(await tip.isVisible()); k++) {
      await page.mouse.move(box.x + box.width * (0.25 + 0.05 * (k % 10)), box.y + box.height * (0.3 + 0.04 * Math.floor(k / 10)));
    }
    await tip.locator('strong').waitFor({ timeout: 15_000 });
    const image = tip.locator('img');
    await expect.poll(() => image.evaluate((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth), { timeout: 15_000 }).toBeGreaterThan(0);
    const smiles = (await tip.locator('.smiles').innerText()).trim();
    const hovered = mols.find((m) => m.canonical === withMol(smiles, (x) => x.get_smiles()));
    expect(hovered).toBeDefined();
    // the tooltip's numbers are that molecule's
    expect(await tip.innerText()).toContain(`MW: ${hovered!.mw.toFixed(2)}`);
    await shot('04-scatter-hover');
  });

  it('brushes a box into a filter, and another into the selection', async () => {
    const plot = page.getByTestId('scatter-plot');
    const box = (await plot.boundingBox())!;
    const brush = async (fx0: number, fy0: number, fx1: number, fy1: number) => {
      await page.keyboard.down('Shift');
      await page.mouse.move(box.x + box.width * fx0, box.y + box.height * fy0);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * ((fx0 + fx1) / 2), box.y + box.height * ((fy0 + fy1) / 2));
      await page.mouse.move(box.x + box.width * fx1, box.y + box.height * fy1);
      await page.mouse.up();
      await page.keyboard.up('Shift');
    };
    await brush(0.2, 0.25, 0.45, 0.6);
    const bar = page.getByTestId('scatter-brush');
    await bar.waitFor();
    const brushed = Number((await bar.locator('strong').innerText()).replace(/,/g, ''));
    expect(brushed).toBeGreaterThan(10);
    expect(brushed).toBeLessThan(mols.length);
    await shot('05-brushed');
    await bar.getByRole('button', { name: 'Filter to box' }).click();
    // the table and the plot now show exactly the brushed molecules
    await expect.poll(() => page.getByTestId('shown-count').innerText(), { timeout: 30_000 }).toBe(`${n(brushed)} shown`);
    await expect.poll(() => page.getByTestId('scatter-count').innerText(), { timeout: 30_000 }).toBe(`${n(brushed)} molecules`);
    await shot('06-filtered-by-brush');

    await brush(0.3, 0.3, 0.7, 0.7);
    await bar.waitFor();
    const second = Number((await bar.locator('strong').innerText()).replace(/,/g, ''));
    await bar.getByRole('button', { name: 'Select them' }).click();
    await expect.poll(() => page.getByTestId('selected-count').innerText()).toBe(`${n(second)} of ${n(brushed)} selected`);
    // clear the filter for what follows
    await page.getByRole('button', { name: /^Filter/ }).click();
    await page.getByRole('complementary', { name: 'Filter' }).getByRole('button', { name: 'Clear', exact: true }).click();
    await expect.poll(() => page.getByTestId('scatter-count').innerText(), { timeout: 30_000 }).toBe(`${n(mols.length)} molecules`);
    await page.getByRole('button', { name: /^Filter/ }).click();
  });

  it('searches by similarity from a typed SMILES, hits as RDKit ranks them, sortable', async () => {
    await page.getByRole('button', { name: 'Similar…' }).click();
    const query = page.getByRole('textbox', { name: 'Query SMILES' });
    await query.fill('CC(=O)Nc1ccc(O)cc');
    // drawn as typed: a SMILES RDKit cannot read says so before any search
    await page.getByTestId('query-drawing').getByText(/not a valid SMILES/).waitFor();
    await query.fill(PARACETAMOL);
    await page.getByTestId('query-drawing').locator('img').waitFor();
    await page.getByRole('spinbutton', { name: 'Similarity threshold' }).fill('0.3');
    await page.getByRole('spinbutton', { name: 'Top k' }).fill('20');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const q = morganFingerprintOf(PARACETAMOL)!;
    const ranked = mols.map((m) => tanimoto(q, m.fp)).sort((a, b) => b - a).slice(0, 20).filter((s) => s >= 0.3);
    expect(ranked.length).toBeGreaterThan(2);
    await expect.poll(() => page.getByTestId('similarity-count').innerText(), { timeout: 30_000 }).toMatch(new RegExp(`^${ranked.length} at Tanimoto ≥ 0.3`));
    const table = page.getByRole('table', { name: 'Similar molecules' });
    const sims = (await table.locator('.sim').allInnerTexts()).map(Number);
    expect(sims).toEqual(ranked.map((s) => Number(s.toFixed(3))));
    await expect.poll(() => table.locator('img').count(), { timeout: 15_000 }).toBe(ranked.length);
    await shot('07-similar');
    // sorted by MW instead: ascending on the first click
    await table.getByRole('columnheader', { name: /^MW/ }).click();
    const mw = (await table.locator('[role=row]:not(.header) [role=cell]:nth-child(4)').allInnerTexts()).map(Number);
    expect(mw).toEqual([...mw].sort((a, b) => a - b));
  });

  it('searches from the selected molecule', async () => {
    const table = page.getByRole('table', { name: 'Similar molecules' });
    // pick the third hit: it becomes the selection, and the query
    await table.locator('[role=row]:not(.header)').nth(2).click();
    await expect.poll(() => page.getByTestId('selected-count').innerText()).toMatch(/^1 of /);
    await page.getByRole('button', { name: 'From selected' }).click();
    const query = page.getByRole('textbox', { name: 'Query SMILES' });
    await expect.poll(() => query.inputValue()).not.toBe(PARACETAMOL);
    const picked = await query.inputValue();
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    // the molecule itself is among the hits, at 1.000, and first by Tanimoto
    await expect.poll(() => table.locator('.sim').allInnerTexts(), { timeout: 30_000 }).toContain('1.000');
    await table.getByRole('columnheader', { name: /^Tanimoto/ }).click();
    await expect.poll(() => table.locator('.sim').first().innerText()).toBe('1.000');
    const first = (await table.locator('[role=row]:not(.header) .name').first().getAttribute('title'))!;
    expect(withMol(first, (m) => m.get_smiles())).toBe(picked);
    expect(mols.some((m) => m.canonical === picked)).toBe(true);
    // every hit selected, for the shortlist that follows
    const hits = await table.locator('.sim').count();
    await page.getByRole('button', { name: 'Select all', exact: true }).click();
    await expect.poll(() => page.getByTestId('selected-count').innerText()).toBe(`${hits} of ${n(mols.length)} selected`);
    await page.getByRole('button', { name: 'Close the search' }).click();
  });

  it('shortlists 12 diverse molecules into a candidate list, more diverse than random picks', async () => {
    await page.getByRole('button', { name: 'Shortlist…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Shortlist diverse molecules' });
    const done = dialog.getByTestId('shortlist-done');
    // from the selection (the similarity hits), the dialog's choice when several are selected
    const selected = Number((await page.getByTestId('selected-count').innerText()).split(' ')[0]);
    expect(await dialog.getByRole('radio', { name: /the selection/ }).isChecked()).toBe(true);
    await dialog.getByRole('spinbutton', { name: 'How many' }).fill('5');
    await dialog.getByRole('button', { name: 'Pick and keep' }).click();
    await expect.poll(() => done.innerText(), { timeout: 60_000 }).toMatch(new RegExp(`^Kept 5 of ${selected} molecules in “esol — diverse 5”`));
    await dialog.getByRole('radio', { name: 'the whole collection' }).check();
    await dialog.getByRole('spinbutton', { name: 'How many' }).fill('12');
    await dialog.getByRole('spinbutton', { name: 'Random seed' }).fill('3');
    await dialog.getByRole('button', { name: 'Pick and keep' }).click();
    await expect.poll(() => done.innerText(), { timeout: 60_000 }).toMatch(/diverse 12/);
    const text = await done.innerText();
    expect(text).toMatch(new RegExp(`Kept 12 of ${n(mols.length)} molecules`));
    const meanPicked = Number(/Tanimoto (\d\.\d+)/.exec(text)![1]);
    // the mean pairwise Tanimoto of 12 random molecules, 30 draws: every one above the shortlist's
    let state = 7;
    const random = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let draw = 0; draw < 30; draw++) {
      const pick = [...mols].sort(() => random() - 0.5).slice(0, 12);
      let sum = 0;
      let pairs = 0;
      for (let a = 0; a < 12; a++) {
        for (let b = a + 1; b < 12; b++) {
          sum += tanimoto(pick[a].fp, pick[b].fp);
          pairs++;
        }
      }
      expect(sum / pairs).toBeGreaterThan(meanPicked);
    }
    await shot('08-shortlist');
    await dialog.getByRole('button', { name: 'Open the list' }).click();
    await page.getByRole('heading', { name: 'esol — diverse 12' }).waitFor();
    await expect.poll(() => page.getByTestId('molecule-count').innerText(), { timeout: 15_000 }).toBe('12 molecules');
    // the drawings in, for the screenshot a chemist looks at
    await expect.poll(() => page.getByRole('table').first().locator('img').count(), { timeout: 15_000 }).toBeGreaterThan(4);
    await shot('09-shortlist-list');
  });

  it("colours the latent map by cLogP's 2nd-98th percentile, the data's ends shown, and by its whole range when asked", async () => {
    await page.getByRole('navigation', { name: 'Collections' }).getByText('esol', { exact: true }).click();
    await page.getByRole('heading', { name: 'esol' }).waitFor();
    await page.getByRole('tab', { name: 'Design' }).click();
    await page.getByRole('button', { name: /^Encode [\d,]+ molecules$/ }).click();
    const status = page.getByTestId('encode-status');
    await expect.poll(() => status.innerText(), { timeout: 180_000 }).toMatch(/^[\d,]+ on the map(?![\s\S]*not encoded)/);
    await page.getByRole('combobox', { name: 'Colour by' }).selectOption('clogp');
    const legend = page.getByTestId('map-legend');
    await legend.waitFor();
    const numbers = (text: string) => [...text.matchAll(/-?\d+\.\d{2}/g)].map((m) => Number(m[0]));
    const ends = async () => numbers(await legend.locator('.ends').innerText());
    const data = numbers(await page.getByTestId('map-legend-data').innerText());
    const [low, high] = await ends();
    // the scale's ends lie inside the data's, marked as such: a few extremes no longer take the whole scale
    expect(await legend.locator('.ends').innerText()).toMatch(/≤[\s\S]*≥/);
    expect(low).toBeGreaterThan(data[0]);
    expect(high).toBeLessThan(data[1]);
    await page.mouse.move(5, 5);
    await shot('10-map-percentiles');
    await page.getByRole('spinbutton', { name: 'Colour from percentile' }).fill('0');
    await page.getByRole('spinbutton', { name: 'Colour from percentile' }).press('Tab');
    await page.getByRole('spinbutton', { name: 'Colour to percentile' }).fill('100');
    await page.getByRole('spinbutton', { name: 'Colour to percentile' }).press('Tab');
    await expect.poll(ends).toEqual(data);
  });

  it("plots the active model's fit against cLogP once encoded, each point's values its own, and leans a shortlist toward a good fit", async () => {
    // the map's test encoded the collection: every molecule on the map has the shipped model's fit
    const onMap = Number(/^([\d,]+) on the map/.exec(await page.getByTestId('encode-status').innerText())![1].replace(/,/g, ''));
    await page.getByRole('tab', { name: 'Molecules' }).click();
    await page.getByRole('button', { name: 'Plot', exact: true }).click();
    const x = page.getByRole('combobox', { name: 'x axis' });
    // offered under the active model's name
    await expect.poll(() => x.locator('optgroup').getAttribute('label'), { timeout: 15_000 }).toMatch(/^Active model · \S+/);
    await x.selectOption('model:fit');
    await page.getByRole('combobox', { name: 'y axis' }).selectOption('clogp');
    await page.getByRole('combobox', { name: 'colour by' }).selectOption('model:held');
    await expect.poll(() => page.getByTestId('scatter-count').innerText(), { timeout: 30_000 }).toBe(`${n(onMap)} molecules${onMap < mols.length ? ` (${n(mols.length - onMap)} without both values)` : ''}`);
    expect(await page.getByTestId('scatter-model-note').innerText()).toMatch(/the active model.*lower is better/);
    await expect.poll(() => page.getByTestId('scatter-legend').innerText(), { timeout: 15_000 }).toContain('Held exactly');

    // a point's tooltip: the molecule's own cLogP (as RDKit computes it) beside its fit and held
    const plot = page.getByTestId('scatter-plot');
    const box = (await plot.boundingBox())!;
    const tip = page.getByTestId('scatter-tooltip');
    for (let k = 0; k < 120 && !(await tip.isVisible()); k++) {
      await page.mouse.move(box.x + box.width * (0.2 + 0.05 * (k % 10)), box.y + box.height * (0.3 + 0.04 * Math.floor(k / 10)));
    }
    await tip.locator('.smiles').waitFor({ timeout: 15_000 });
    const smiles = (await tip.locator('.smiles').innerText()).trim();
    const hovered = mols.find((m) => m.canonical === withMol(smiles, (m2) => m2.get_smiles()))!;
    expect(hovered).toBeDefined();
    const text = await tip.innerText();
    expect(text).toContain(`cLogP: ${hovered.clogp.toFixed(2)}`);
    expect(text).toMatch(/Model fit \(−ELBO\/token\): \d+\.\d{3}\b/);
    expect(text).toMatch(/Held exactly: (yes|no)/);
    await shot('11-scatter-model-fit');
    await page.mouse.move(5, 5);

    await page.getByRole('button', { name: 'Shortlist…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Shortlist diverse molecules' });
    await dialog.getByRole('radio', { name: 'the whole collection' }).check();
    await dialog.getByRole('spinbutton', { name: 'How many' }).fill('6');
    await dialog.getByRole('combobox', { name: 'Lean toward' }).selectOption('model:fit');
    expect(await dialog.getByRole('combobox', { name: 'Which end is better' }).inputValue()).toBe('min');
    await dialog.getByTestId('shortlist-model-note').waitFor();
    await dialog.getByRole('button', { name: 'Pick and keep' }).click();
    await expect.poll(() => dialog.getByTestId('shortlist-done').innerText(), { timeout: 60_000 }).toMatch(/^Kept 6 of /);
    await shot('12-shortlist-model-fit');
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('had no console error, page error, HTTP error or CSP violation', () => {
    expect(session.troubles).toEqual([]);
  });
});
