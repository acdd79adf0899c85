// Designing in latent space, for real: browser mode with the shipped model, Debian's Chromium. A ChEMBL series
// is imported and encoded (the encode job's progress card), the model's confidence shown, sorted and offered as a
// filter in the table, the latent map is opened and coloured, a point is
// hovered (its structure) and clicked (the walk's seed), a slider moves the walk, the molecule is kept in a new
// candidate list with a rating and a note, a box of points becomes a second list, and the first list is
// exported as an SD file that the project's own reader reads back with the provenance fields. The model is
// mediocre, so the checks are about properties of what comes back (valid SMILES, counts, provenance), never
// about which molecule.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRDKit, withMol } from '../../main/chem/rdkit.ts';
import { readMoleculeFile } from '../../main/files/index.ts';
import type { SourceRecord } from '../../main/files/index.ts';
import { openSession, repoRoot, sharedData, type Session } from './session.ts';
import { summarize, timeSliderMoves } from './slider-timing.ts';

const MOLECULES = 80;

let session: Session;
let page: Page;
/** the walk's seed, picked on the map */
let seed = '';
const shot = (name: string) => session.shot(name);

/** A point of the collection on the map canvas (a pixel in a point's colour), in page coordinates. */
async function pointOnMap(): Promise<{ x: number; y: number }> {
  const canvas = page.getByTestId('latent-map');
  // The map redraws on the next frame after a change: look until a point is there.
  let found: { x: number; y: number } | null = null;
  await expect.poll(async () => (found = await findPoint()), { timeout: 10_000 }).not.toBeNull();
  const box = (await canvas.boundingBox())!;
  return { x: box.x + found!.x, y: box.y + found!.y };
}

function findPoint(): Promise<{ x: number; y: number } | null> {
  return page.getByTestId('latent-map').evaluate((el) => {
    const c = el as HTMLCanvasElement;
    const ctx = c.getContext('2d')!;
    const { data, width, height } = ctx.getImageData(0, 0, c.width, c.height);
    const scale = c.width / c.getBoundingClientRect().width;
    // The uncoloured points are the accent blue (42, 111, 201); look for the pixel with the most of them around.
    let best: [number, number, number] | null = null;
    const isPoint = (x: number, y: number) => {
      const k = 4 * (y * width + x);
      return data[k + 3] > 150 && data[k] < 90 && data[k + 2] > 160;
    };
    for (let y = 2; y < height - 2; y += 2) {
      for (let x = 2; x < width - 2; x += 2) {
        if (!isPoint(x, y)) continue;
        let n = 0;
        for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) n += isPoint(x + dx, y + dy) ? 1 : 0;
        if (!best || n > best[2]) best = [x, y, n];
      }
    }
    return best && { x: best[0] / scale, y: best[1] / scale };
  });
}

beforeAll(async () => {
  [session] = await Promise.all([openSession('design'), loadRDKit()]);
  page = session.page;
});

afterAll(() => session?.close());

describe('design in latent space, in browser mode', () => {
  const lines = readFileSync(path.join(sharedData, 'samples', 'chembl2321810-series.smi'), 'utf8').split('\n').filter(Boolean).slice(0, MOLECULES);

  it('imports a series and encodes it with the shipped model, with progress', async () => {
    await page.goto(session.served.url);
    await page.getByTestId('import-input').setInputFiles({ name: 'series.smi', mimeType: 'text/plain', buffer: Buffer.from(`${lines.join('\n')}\n`) });
    await page.locator('[data-phase=done]').waitFor({ timeout: 60_000 });
    await page.getByRole('heading', { name: 'series' }).waitFor();
    await page.getByText(/Computing properties/).waitFor({ state: 'detached', timeout: 90_000 });
    const total = Number((await page.getByTestId('molecule-count').innerText()).split(' ')[0]);
    expect(total).toBeGreaterThan(MOLECULES * 0.9);

    await page.getByRole('tab', { name: 'Design' }).click();
    const status = page.getByTestId('encode-status');
    await expect.poll(() => status.innerText()).toContain(`${total} not encoded`);
    await shot('01-not-encoded');
    await page.getByRole('button', { name: `Encode ${total} molecules` }).click();
    const card = page.getByRole('region', { name: 'Encode' });
    await card.waitFor();
    await shot('02-encoding');
    // The card goes once the job is done; the status line then counts what is on the map.
    await card.waitFor({ state: 'detached', timeout: 120_000 });
    // Every molecule is on the map now, or counted as one the model cannot read. The map is read again once the
    // job has ended, so the line may still show the count from before for a moment: wait for the new one.
    await expect.poll(() => status.innerText()).toMatch(/^\d+ on the map(?![\s\S]*not encoded)/);
    const text = await status.innerText();
    const onMap = Number(/^(\d+) on the map/.exec(text)![1]);
    const unreadable = Number(/(\d+) the model cannot read/.exec(text)?.[1] ?? 0);
    expect(onMap + unreadable).toBe(total);
    expect(onMap).toBeGreaterThan(total / 2);
    expect(text).not.toContain('not encoded');
    await shot('03-encoded');
  });

  it("shows the model's confidence in the table once encoded: chosen columns, sorted by the core, a filter slider, the detail panel", async () => {
    await page.getByRole('tab', { name: /^Molecules/ }).click();
    const FIT = 'model fit (−ELBO/token)';
    await page.locator('summary', { hasText: 'Columns' }).click();
    const model = page.getByRole('group', { name: 'Model columns' });
    await model.getByRole('checkbox', { name: FIT }).check();
    await model.getByRole('checkbox', { name: 'held exactly' }).check();
    await page.locator('summary', { hasText: 'Columns' }).click();
    const headers = async () => (await page.getByRole('columnheader').allInnerTexts()).map((t) => t.replace(/[▲▼]/g, '').trim());
    const fitAt = (await headers()).indexOf(FIT);
    const heldAt = (await headers()).indexOf('held exactly');
    expect(fitAt).toBeGreaterThan(0);
    expect(heldAt).toBe(fitAt + 1);
    expect(await page.getByRole('columnheader').nth(fitAt).getAttribute('title')).toMatch(/lower is better[\s\S]*zinc-chembl/);
    const rows = page.locator('[role=row][aria-rowindex]');
    const column = async (at: number) => rows.evaluateAll((els, i) => els.map((el) => el.querySelectorAll('[role=cell]')[i]?.textContent?.trim() ?? ''), at);
    // every molecule the model read has its fit (3 decimals) and held yes / no; one it cannot read a dash
    await expect.poll(async () => (await column(fitAt)).filter((t) => /^\d+\.\d{3}$/.test(t)).length, { timeout: 15_000 }).toBeGreaterThan(5);
    expect((await column(heldAt)).every((t) => ['yes', 'no', '—'].includes(t))).toBe(true);

    // sorted by the core: lowest (best) fit first, the molecules without one last
    await page.getByRole('columnheader').nth(fitAt).getByRole('button').click();
    await expect.poll(async () => (await page.getByRole('columnheader').nth(fitAt).getAttribute('aria-sort'))).toBe('ascending');
    await expect.poll(async () => {
      const fits = (await column(fitAt)).filter((t) => t !== '—').map(Number);
      return fits.length > 5 && fits.every((v, i) => i === 0 || v >= fits[i - 1]);
    }, { timeout: 15_000 }).toBe(true);
    // the first row's cell, once drawn (a row re-rendered by the sort is briefly without it)
    await expect.poll(async () => /^\d+\.\d{3}$/.test((await column(fitAt))[0] ?? ''), { timeout: 15_000 }).toBe(true);
    const best = Number((await column(fitAt))[0]);
    // the table scrolled sideways to the model's columns (#, structure and name stay)
    await page.getByRole('columnheader').nth(heldAt).scrollIntoViewIfNeeded();
    await expect.poll(() => rows.first().locator('img').count(), { timeout: 15_000 }).toBe(1);
    await shot('03b-table-confidence');

    // the filter panel offers the fit as a range, with its histogram, once the model has encoded the collection
    await page.getByRole('button', { name: /^Filter/ }).click();
    const minimum = page.getByRole('textbox', { name: `${FIT} minimum` });
    await minimum.waitFor({ timeout: 15_000 });
    await minimum.scrollIntoViewIfNeeded();
    await shot('03c-filter-confidence');
    await page.getByRole('button', { name: /^Filter/ }).click();

    // the detail panel of the best-fitting molecule says the same, with the model's name
    await rows.first().dblclick();
    const detail = page.getByTestId('detail-model');
    await expect.poll(() => detail.innerText()).toContain(best.toFixed(3));
    expect(await detail.innerText()).toMatch(/zinc-chembl[\s\S]*lower is better/i);
    await shot('03d-detail-confidence');
    await page.keyboard.press('Escape');
    await page.getByRole('tab', { name: 'Design' }).click();
    await expect.poll(() => page.getByTestId('encode-status').innerText()).toMatch(/^\d+ on the map/);
  });

  it('colours the map by a property with a legend, and shows a structure on hover', async () => {
    const point = await pointOnMap();
    await page.mouse.move(point.x, point.y);
    const tip = page.getByTestId('map-tooltip');
    await tip.waitFor();
    const image = tip.locator('img');
    await expect.poll(() => image.evaluate((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth), { timeout: 15_000 }).toBeGreaterThan(0);
    const smiles = (await tip.locator('.smiles').innerText()).trim();
    expect(withMol(smiles, () => true)).toBe(true);
    await shot('04-hover');

    await page.getByRole('combobox', { name: 'Colour by' }).selectOption('clogp');
    const legend = page.getByTestId('map-legend');
    await legend.waitFor();
    // the scale spans the 2nd to 98th percentile (≤ / ≥ at its ends), the data's own ends under it
    expect(await legend.innerText()).toMatch(/cLogP\s+(≤ )?-?\d+\.\d{2}\s+(≥ )?-?\d+\.\d{2}[\s\S]*data -?\d+\.\d{2} to -?\d+\.\d{2}/);
    await page.mouse.move(5, 5);
    await shot('05-coloured');
  });

  it('picks a seed on the map and walks: a slider move draws a new molecule with its changes', async () => {
    await page.getByRole('combobox', { name: 'Colour by' }).selectOption('');
    await page.getByTestId('map-legend').waitFor({ state: 'detached' });
    const point = await pointOnMap();
    await page.mouse.click(point.x, point.y);
    seed = await page.locator('#walk-seed').inputValue();
    expect(withMol(seed, () => true)).toBe(true);
    const result = page.getByTestId('walk-result');
    const card = result.getByTestId('designed-molecule');
    await card.waitFor({ timeout: 30_000 });
    const first = Number(await result.getAttribute('data-move'));

    const slider = page.getByRole('slider', { name: 'PC1' });
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => result.getAttribute('data-move').then(Number), { timeout: 30_000 }).toBeGreaterThan(first);
    await expect.poll(() => slider.inputValue()).toBe('0.5');
    // What is shown is a molecule RDKit reads, drawn, with its properties and a similarity to the seed.
    const smiles = await card.getAttribute('data-smiles');
    expect(smiles && withMol(smiles, () => true)).toBe(true);
    expect(await card.locator('img').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    expect(await card.innerText()).toMatch(/MW\s+\d+\.\d{2}/);
    expect(await card.innerText()).toMatch(/sim \d\.\d{2}/);
    expect(await page.getByRole('list', { name: 'Molecules visited' }).getByRole('listitem').count()).toBeGreaterThanOrEqual(1);
    await page.mouse.move(5, 5);
    await shot('06-walk');
    // The README's picture is refreshed on request only, so a test run leaves the tree clean.
    if (process.env.UPDATE_README_SCREENSHOT) await page.screenshot({ path: path.join(repoRoot, 'resources', 'screenshots', 'molscape-design.png') });

    const { times, revisits } = await timeSliderMoves(page, 20);
    const fresh = summarize(times.filter((_, i) => !revisits[i]));
    const again = summarize(times.filter((_, i) => revisits[i]));
    console.log(`slider move to structure drawn (browser mode): new positions p50 ${fresh.p50} ms, p95 ${fresh.p95} ms (${fresh.moves} moves); positions visited before p50 ${again.p50} ms (${again.moves} moves)`);
    expect(times).toHaveLength(20);
  });

  it('keeps the molecule in a new candidate list with a rating and a note', async () => {
    const result = page.getByTestId('walk-result');
    const card = result.getByTestId('designed-molecule');
    // the timed drags may end far out on PC1, where even valid-first finds no molecule (the card says "invalid"
    // and offers no Keep): step back toward the seed, as a chemist would, until a molecule is drawn
    const slider = page.getByRole('slider', { name: 'PC1' });
    for (let i = 0; i < 16 && !(await card.getAttribute('data-smiles')); i++) {
      const move = Number(await result.getAttribute('data-move'));
      const at = Number(await slider.inputValue());
      await slider.focus();
      await page.keyboard.press(at < 0 ? 'ArrowRight' : 'ArrowLeft');
      await expect.poll(() => result.getAttribute('data-move').then(Number), { timeout: 30_000 }).toBeGreaterThan(move);
    }
    const smiles = (await card.getAttribute('data-smiles'))!;
    await card.getByRole('button', { name: 'Keep…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Keep as candidate' });
    await dialog.waitFor();
    await dialog.getByRole('textbox', { name: 'New list name' }).fill('e2e picks');
    await dialog.getByRole('radio', { name: '4 stars' }).click();
    await dialog.getByRole('textbox', { name: 'Note' }).fill('walked from the series');
    await shot('07-keep');
    await dialog.getByRole('button', { name: 'Keep' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('status').filter({ hasText: 'Kept 1 molecule in' }).waitFor();
    const sidebar = page.getByRole('navigation', { name: 'Collections' });
    await expect.poll(() => sidebar.innerText()).toMatch(/Candidate lists\s+e2e picks\s+1 molecules/i);
    expect(smiles.length).toBeGreaterThan(0);
  });

  it('boxes points on the map and keeps them as a second list', async () => {
    const canvas = page.getByTestId('latent-map');
    const box = (await canvas.boundingBox())!;
    await page.keyboard.down('Shift');
    await page.mouse.move(box.x + 4, box.y + 4);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 });
    await page.mouse.move(box.x + box.width - 4, box.y + box.height - 4, { steps: 5 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    const boxed = Number((await page.getByTestId('boxed-count').innerText()).split(' ')[0]);
    const onMap = Number(/^(\d+) on the map/.exec(await page.getByTestId('encode-status').innerText())![1]);
    expect(boxed).toBeGreaterThan(onMap / 2);
    expect(boxed).toBeLessThanOrEqual(onMap);
    await shot('08-boxed');
    await page.getByRole('button', { name: 'Keep as a list…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Keep as candidate' });
    await dialog.getByRole('combobox', { name: 'Candidate list' }).selectOption({ label: 'New list…' });
    await dialog.getByRole('textbox', { name: 'New list name' }).fill('boxed on the map');
    await dialog.getByRole('button', { name: 'Keep' }).click();
    await dialog.waitFor({ state: 'detached', timeout: 60_000 });
    await page.getByRole('status').filter({ hasText: `Kept ${boxed} molecules in boxed on the map` }).waitFor();
    await page.getByTestId('boxed-count').waitFor({ state: 'detached' });
    const sidebar = page.getByRole('navigation', { name: 'Collections' });
    await expect.poll(() => sidebar.innerText()).toContain(`boxed on the map\n${boxed} molecules`);
  });

  it('samples the neighbourhood of the seed: counts that add up, a grid of valid molecules sortable by a property', async () => {
    await page.getByRole('tab', { name: 'Neighbours' }).click();
    await page.getByRole('textbox', { name: 'Neighbourhood seed' }).fill(seed);
    await page.getByRole('spinbutton', { name: 'Samples' }).fill('30');
    await page.getByRole('button', { name: 'Sample', exact: true }).click();
    const counts = page.getByTestId('neighbour-counts');
    await counts.waitFor({ timeout: 60_000 });
    const [tries, valid, unique, fresh] = (await counts.innerText()).match(/\d+/g)!.map(Number);
    expect(tries).toBe(30);
    expect(valid).toBeLessThanOrEqual(tries);
    expect(unique).toBeLessThanOrEqual(valid);
    expect(fresh).toBeLessThanOrEqual(unique);
    const grid = page.getByRole('list', { name: 'Neighbours' }).getByTestId('designed-molecule');
    const shown = await grid.count();
    // The seed itself is left out of the grid.
    expect(shown === unique || shown === unique - 1).toBe(true);
    for (const s of await grid.evaluateAll((all) => all.map((el) => el.getAttribute('data-smiles') ?? ''))) expect(withMol(s, () => true)).toBe(true);
    await page.getByRole('combobox', { name: 'Sort by' }).selectOption('mol_wt');
    const weights = await grid.evaluateAll((all) => all.map((el) => Number(/MW\s+(\d+\.\d+)/.exec((el as HTMLElement).innerText)?.[1])));
    expect(weights).toEqual([...weights].sort((a, b) => a - b));
    await shot('09-neighbours');
  });

  it('interpolates between two molecules: a path whose steps and repeats add up', async () => {
    const other = lines.map((l) => withMol(l.split(/\s+/)[0], (m) => m.get_smiles())!).find((s) => s !== withMol(seed, (m) => m.get_smiles()))!;
    await page.getByRole('tab', { name: 'Interpolate' }).click();
    await page.getByRole('textbox', { name: 'From SMILES' }).fill(seed);
    await page.getByRole('textbox', { name: 'To SMILES' }).fill(other);
    await page.getByRole('spinbutton', { name: 'Steps' }).fill('8');
    await page.getByRole('combobox', { name: 'Interpolation' }).selectOption('slerp');
    await page.getByRole('button', { name: 'Interpolate', exact: true }).last().click();
    const summary = page.getByTestId('path-summary');
    await summary.waitFor({ timeout: 60_000 });
    const [distinct, valid, steps] = (await summary.innerText()).match(/\d+/g)!.map(Number);
    expect(steps).toBe(8);
    expect(valid).toBeLessThanOrEqual(8);
    const path = page.getByRole('list', { name: 'Interpolation path' }).getByRole('listitem');
    expect(await path.count()).toBe(distinct);
    const repeats = await path.evaluateAll((all) => all.map((li) => Number(/×(\d+)/.exec((li as HTMLElement).innerText)?.[1] ?? 1)));
    expect(repeats.reduce((a, b) => a + b, 0)).toBe(8);
    await shot('10-interpolate');
  });

  it('lays the series out with UMAP on request, then goes back to PCA', async () => {
    await page.getByRole('group', { name: 'Projection' }).getByRole('button', { name: 'UMAP' }).click();
    const cover = page.getByTestId('umap-cover');
    await cover.getByRole('button', { name: 'Compute UMAP layout' }).click();
    // the job's card, then the layout with its note (no training set behind, designed molecules on PCA only)
    await page.getByTestId('umap-note').waitFor({ timeout: 90_000 });
    await cover.waitFor({ state: 'detached' });
    await page.getByText('UMAP 1', { exact: true }).waitFor();
    const point = await pointOnMap();
    await page.mouse.move(point.x, point.y);
    await page.getByTestId('map-tooltip').waitFor();
    await page.mouse.move(5, 5);
    await shot('10b-umap');
    await page.getByRole('group', { name: 'Projection' }).getByRole('button', { name: 'PCA' }).click();
    await page.getByTestId('umap-note').waitFor({ state: 'detached' });
    await page.getByText(/^PC1 /).waitFor();
  });

  it('opens the first list as a table and exports it as an SD file that reads back with its provenance', async () => {
    await page.getByRole('navigation', { name: 'Collections' }).getByText('e2e picks').click();
    await page.getByRole('heading', { name: 'e2e picks' }).waitFor();
    await page.getByRole('columnheader', { name: 'rating' }).waitFor();
    await page.getByRole('columnheader', { name: 'note' }).waitFor();
    await shot('11-list');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('group', { name: 'Export' }).getByRole('button', { name: 'SD' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.sdf$/);
    const bytes = readFileSync(await download.path());
    const items = [];
    for await (const item of readMoleculeFile(bytes, { fileName: 'e2e picks.sdf' })) items.push(item);
    const records = items.filter((i): i is SourceRecord => i.kind === 'record');
    expect(items.filter((i) => i.kind === 'problem')).toEqual([]);
    expect(records).toHaveLength(1);
    const p = records[0].userProps;
    expect(p.operation).toBe('walk');
    expect(p.seed).toBe(withMol(seed, (m) => m.get_smiles()));
    expect(Number(p.rating)).toBe(4);
    expect(p.note).toBe('walked from the series');
    expect(String(p.model_sha256)).toMatch(/^[0-9a-f]{64}$/);
    expect(String(p.model)).toMatch(/zinc/);
    const params = JSON.parse(String(p.parameters)) as { offsets?: { direction: string; amount: number }[] };
    expect(params.offsets?.some((o) => o.direction === 'pc1' && o.amount !== 0)).toBe(true);
    expect(Number.isNaN(Date.parse(String(p.kept_at)))).toBe(false);
  });

  it('downloads a grid of the list as SVG and PNG', async () => {
    const grid = page.getByRole('group', { name: 'Structure grid' });
    const [svg] = await Promise.all([page.waitForEvent('download'), grid.getByRole('button', { name: 'SVG' }).click()]);
    expect(readFileSync(await svg.path(), 'utf8')).toMatch(/<svg[\s\S]*<\/svg>\s*$/);
    const [png] = await Promise.all([page.waitForEvent('download'), grid.getByRole('button', { name: 'PNG' }).click()]);
    const bytes = readFileSync(await png.path());
    expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(bytes.length).toBeGreaterThan(1000);
    // Kept beside the screenshots, for a person to look at.
    writeFileSync(path.join(repoRoot, 'test-results', 'design-12-grid.png'), bytes);
  });

  it('had no console error, page error or CSP violation', () => {
    expect(session.troubles).toEqual([]);
  });
});
