// Models in the app, for real: browser mode with the shipped model, Debian's Chromium, the real core and job
// process. A ChEMBL series is imported; the Models view lists the shipped model as active; the train dialog
// runs the dataset doctor on the series and fine-tunes the shipped model on it with a short time budget; the
// training panel's curve gets its first point; the run is cancelled (a checkpoint kept), found again after a
// reload of the page, and resumed, its curve going on past the step it stopped at; when the resumed run ends
// on its budget it shows the held-out figures before → after and the new model is made active with one click;
// the Design view then names it, encodes the series with it and walks from a molecule, and samples its prior.
// The series and the run are small, so the checks are about what the UI shows and that it moves, never about
// how good the model got.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRDKit, withMol } from '../../main/chem/rdkit.ts';
import { openSession, repoRoot, sharedData, type Session } from './session.ts';

const MOLECULES = 60;
/** The fine-tune's time budget, in minutes (the resumed run gets it again). */
const BUDGET_MINUTES = 2;
/** a long step of the test: the shipped model fine-tunes at ~1 step/s on 2 cores, slower when they are busy */
const LONG = 600_000;
const MODEL = 'e2e series ft';
/** The default shipped model's vocabulary: the fine-tuned model has it and the one token the series adds, [Si]. */
const BASE_VOCABULARY = (JSON.parse(readFileSync(path.join(repoRoot, 'resources/models/zinc-chembl/manifest.json'), 'utf8')) as { vocabulary: { tokens: string[] } }).vocabulary.tokens.length;

let session: Session;
let page: Page;
const shot = (name: string) => session.shot(name);

/** How many points the chart has drawn (the chart element says). */
const chartPoints = () => page.getByTestId('train-chart').getAttribute('data-points').then(Number);
/** The step of the chart's last point. */
const lastStep = () => page.getByTestId('train-chart').getAttribute('data-last-step').then(Number);

// Trained models go to a folder of this run, never the user's own (the server inherits the environment).
const modelsDir = mkdtempSync(path.join(tmpdir(), 'molscape-e2e-models-'));
process.env.MOLSCAPE_MODELS_DIR = modelsDir;
// a bundle a crash left half-written: listed as broken, with the reason, never loaded
const BROKEN = 'half written';
mkdirSync(path.join(modelsDir, BROKEN));
writeFileSync(path.join(modelsDir, BROKEN, 'manifest.json'), '{"format": "molscape-vae-bundle", "name": ');

beforeAll(async () => {
  [session] = await Promise.all([openSession('models'), loadRDKit()]);
  page = session.page;
});

afterAll(async () => {
  if (session?.troubles.length) console.log(`page troubles:\n${session.troubles.join('\n')}`);
  await session?.close();
  rmSync(modelsDir, { recursive: true, force: true });
});

describe('models in the app, in browser mode', () => {
  // two silyl analogues: silicon is not in the shipped model's vocabulary, so the doctor names [Si] and the
  // fine-tune adds it
  const silyl = ['C[Si](C)(C)c1ccc(cc1)S(=O)(=O)Nc1nccs1 TMS-1', 'C[Si](C)(C)Oc1ccc(cc1C#N)S(=O)(=O)Nc1ccccn1 TMS-2'];
  const lines = [...readFileSync(path.join(sharedData, 'samples', 'chembl2321810-series.smi'), 'utf8').split('\n').filter(Boolean).slice(0, MOLECULES), ...silyl];

  it('imports a series; the Models view lists the shipped model, active, with its card', async () => {
    await page.goto(session.served.url);
    await page.getByTestId('import-input').setInputFiles({ name: 'series.smi', mimeType: 'text/plain', buffer: Buffer.from(`${lines.join('\n')}\n`) });
    await page.locator('[data-phase=done]').waitFor({ timeout: 60_000 });
    await page.getByRole('heading', { name: 'series' }).waitFor();
    await page.getByText(/Computing properties/).waitFor({ state: 'detached', timeout: 90_000 });

    await expect.poll(() => page.getByTestId('active-model').innerText()).toMatch(/Model\s+zinc-chembl/);
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Models' }).click();
    await page.getByRole('heading', { name: 'Models' }).waitFor();
    const shipped = page.locator('[data-testid=model-card][data-model=zinc-chembl]');
    await shipped.waitFor();
    expect(await shipped.getByTestId('active-badge').count()).toBe(1);
    const text = await shipped.innerText();
    expect(text).toContain('shipped');
    expect(text).toMatch(/Trained on\s+.+\d[\d,]* molecules · sha256 [0-9a-f]{12}…/);
    expect(text).toMatch(/Vocabulary\s+\d+ tokens/);
    expect(text).toMatch(/exact reconstruction \d+\.\d %/);
    const broken = page.locator(`[data-testid=model-card][data-model="${BROKEN}"]`);
    expect(await broken.innerText()).toMatch(/broken[\s\S]*Cannot be used: .+/);
    expect(await broken.getByRole('button', { name: 'Make active' }).isDisabled()).toBe(true);
    await shot('01-models');
  });

  it('opens the train dialog from the Design view: the doctor reports on the series first', async () => {
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Collections' }).click();
    await page.getByRole('tab', { name: 'Design' }).click();
    await expect.poll(() => page.getByTestId('design-model').innerText()).toMatch(/Model\s+zinc-chembl/);
    await page.getByRole('button', { name: 'Fine-tune on this…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Train a model' });
    await dialog.waitFor();
    const report = dialog.getByTestId('doctor-report');
    await report.waitFor({ timeout: 60_000 });
    const summary = await report.innerText();
    expect(summary).toMatch(new RegExp(`${lines.length} molecules`));
    expect(summary).toMatch(/Estimated time\s+About .+ for \d+ epochs/);
    expect(await report.getByTestId('doctor-oov').innerText()).toMatch(/2 molecules use tokens zinc-chembl does not know\s+\[Si\] ×2[\s\S]*row 61\s+TMS-1\s+C\[Si\]\(C\)\(C\)c1ccc[\s\S]*row 62\s+TMS-2/);
    expect(await dialog.getByRole('combobox', { name: 'Base model' }).inputValue()).toBe('zinc-chembl');
    await dialog.getByRole('textbox', { name: 'New model name' }).fill(MODEL);
    await dialog.getByRole('spinbutton', { name: 'Time budget in minutes' }).fill(String(BUDGET_MINUTES));
    expect(await dialog.getByRole('spinbutton', { name: 'Held-out share in percent' }).inputValue()).toBe('10');
    await shot('02-doctor');
  });

  it('fine-tunes in the background: progress and live curves in the Models view', async () => {
    const dialog = page.getByRole('dialog', { name: 'Train a model' });
    await dialog.getByRole('button', { name: 'Start training' }).click();
    await dialog.waitFor({ state: 'detached' });
    const panel = page.getByTestId('train-panel');
    await panel.waitFor();
    await expect.poll(() => panel.getAttribute('data-phase'), { timeout: 30_000 }).toBe('running');
    // the curve's first point comes while it runs (polled every 2 s; a point every 50 steps)
    await expect.poll(chartPoints, { timeout: LONG / 2, interval: 1000 }).toBeGreaterThanOrEqual(1);
    expect(await panel.getAttribute('data-phase')).toBe('running');
    expect(await page.getByTestId('curves-latest').innerText()).toMatch(/step \d+\s+· training loss \d+\.\d{3}/);
    expect(await page.getByTestId('active-model').innerText()).toMatch(/training/);
    // uPlot drew: a canvas with something on it
    const drawn = await page.getByTestId('train-chart').locator('canvas').evaluate((c) => {
      const canvas = c as HTMLCanvasElement;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let inked = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) inked++;
      return inked;
    });
    expect(drawn).toBeGreaterThan(100);
    await shot('03-training');
  }, LONG + 60_000);

  it('cancels with a checkpoint kept, and resumes from it', async () => {
    const panel = page.getByTestId('train-panel');
    await panel.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => panel.getAttribute('data-phase'), { timeout: 60_000 }).toBe('cancelled');
    const resume = panel.getByRole('button', { name: 'Resume' });
    await resume.waitFor({ timeout: 15_000 });
    const stopped = await chartPoints();
    const stoppedAt = await lastStep();
    await shot('04-cancelled');
    // a restart of the app (here: a reload of the page) finds the stopped run again, resumable
    await page.reload();
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Models' }).click();
    await expect.poll(() => panel.getAttribute('data-phase'), { timeout: 30_000 }).toBe('cancelled');
    await resume.waitFor({ timeout: 15_000 });
    await expect.poll(chartPoints, { timeout: 15_000 }).toBe(stopped);
    await resume.click();
    await expect.poll(() => panel.getAttribute('data-phase'), { timeout: 30_000 }).toBe('running');
    // the resumed run goes on from the checkpoint: its curve continues past the step it stopped at
    await expect.poll(chartPoints, { timeout: LONG / 2, interval: 1000 }).toBeGreaterThan(stopped);
    expect(await lastStep()).toBeGreaterThan(stoppedAt);
  }, LONG);

  it('ends on its budget with the held-out figures before → after, and makes the new model active in one click', async () => {
    const panel = page.getByTestId('train-panel');
    await expect.poll(() => panel.getAttribute('data-phase'), { timeout: LONG, interval: 2000 }).toMatch(/done|failed|cancelled/);
    expect(await panel.getAttribute('data-phase')).toBe('done');
    const result = panel.getByTestId('train-result');
    await result.waitFor({ timeout: 30_000 });
    expect(await result.getByTestId('result-exact').innerText()).toMatch(/\d+\.\d %( → \d+\.\d % \([+−]\d+\.\d points\))?/);
    await shot('05-trained');
    const card = page.locator(`[data-testid=model-card][data-model="${MODEL}"]`);
    await card.waitFor({ timeout: 30_000 });
    const text = await card.innerText();
    expect(text).toContain('trained here');
    expect(text).toMatch(/Base model\s+zinc-chembl/);
    expect(text).toMatch(new RegExp(`Vocabulary\\s+${BASE_VOCABULARY + 1} tokens · 1 added: \\[Si\\]`));
    // the collection and its count once ('collection "series" (60 molecules) · sha256 …')
    expect(text).toMatch(/Trained on\s+collection "series" \(\d+ molecules\) · sha256 [0-9a-f]{12}…/);
    await result.getByRole('button', { name: `Make ${MODEL} active` }).click();
    await result.getByRole('status').filter({ hasText: `${MODEL} is the active model.` }).waitFor();
    await expect.poll(() => page.getByTestId('active-model').innerText()).toContain(MODEL);
    expect(await card.getByTestId('active-badge').count()).toBe(1);
    await shot('06-active');
  }, LONG + 60_000);

  it('the Design view names the new model, encodes the series with it and walks', async () => {
    await page.getByRole('navigation', { name: 'Collections' }).getByRole('button', { name: /^series/ }).click();
    await page.getByRole('tab', { name: 'Design' }).click();
    await expect.poll(() => page.getByTestId('design-model').innerText()).toContain(MODEL);
    const status = page.getByTestId('encode-status');
    await expect.poll(() => status.innerText(), { timeout: 60_000 }).toMatch(/not encoded/);
    await page.getByRole('button', { name: /^Encode \d+ molecules$/ }).click();
    const card = page.getByRole('region', { name: 'Encode' });
    await card.waitFor();
    expect(await card.innerText()).toContain(`with ${MODEL}`);
    await card.waitFor({ state: 'detached', timeout: 120_000 });
    await expect.poll(() => status.innerText(), { timeout: 60_000 }).toMatch(/^\d+ on the map(?![\s\S]*not encoded)/);

    const seed = lines[0].split(/\s+/)[0];
    await page.locator('#walk-seed').fill(seed);
    await page.getByRole('button', { name: 'Walk', exact: true }).click();
    const result = page.getByTestId('walk-result');
    const molecule = result.getByTestId('designed-molecule');
    await molecule.waitFor({ timeout: 60_000 });
    const first = Number(await result.getAttribute('data-move'));
    const slider = page.getByRole('slider', { name: 'PC1' });
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => result.getAttribute('data-move').then(Number), { timeout: 60_000 }).toBeGreaterThan(first);
    const smiles = await molecule.getAttribute('data-smiles');
    expect(smiles && withMol(smiles, () => true)).toBe(true);
    await page.mouse.move(5, 5);
    await shot('07-design-with-new-model');
  });

  it('samples the prior of the active model and keeps a draw', async () => {
    await page.getByRole('tab', { name: 'Sample' }).click();
    const panel = page.getByRole('region', { name: 'Prior sampling' });
    await panel.getByRole('spinbutton', { name: 'Draws' }).fill('24');
    await panel.getByRole('button', { name: 'Sample' }).click();
    const counts = panel.getByTestId('sample-counts');
    await counts.waitFor({ timeout: 60_000 });
    expect(await counts.innerText()).toMatch(/24\s+draws\s+\d+\s+valid\s+\d+\s+unique/);
    const cards = panel.getByTestId('sampled-molecule');
    await expect.poll(() => cards.count()).toBeGreaterThan(0);
    const smiles = (await cards.first().getAttribute('data-smiles'))!;
    expect(withMol(smiles, () => true)).toBe(true);
    await expect.poll(() => cards.first().locator('img').evaluate((img) => (img as HTMLImageElement).naturalWidth).catch(() => 0), { timeout: 15_000 }).toBeGreaterThan(0);
    await shot('08-sample');
    await cards.first().getByRole('button', { name: 'Keep…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Keep as candidate' });
    await dialog.getByRole('textbox', { name: 'New list name' }).fill('prior draws');
    await dialog.getByRole('button', { name: 'Keep' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('status').filter({ hasText: 'Kept 1 molecule in' }).waitFor();
    expect(session.troubles.filter((t) => !/HTTP 4\d\d/.test(t))).toEqual([]);
  });

  it('renames the trained model (it stays the active one) and deletes the broken bundle after a confirmation', async () => {
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Models' }).click();
    const card = page.locator(`[data-testid=model-card][data-model="${MODEL}"]`);
    await card.getByRole('button', { name: 'Rename' }).click();
    const input = card.getByRole('textbox', { name: 'New model name' });
    await input.fill('e2e/series');
    expect(await card.innerText()).toMatch(/letters, digits/);
    expect(await card.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    await input.fill('e2e series v2');
    await card.getByRole('button', { name: 'Save' }).click();
    const renamed = page.locator('[data-testid=model-card][data-model="e2e series v2"]');
    await renamed.waitFor();
    expect(await renamed.getByTestId('active-badge').count()).toBe(1);
    await expect.poll(() => page.getByTestId('active-model').innerText()).toContain('e2e series v2');

    const broken = page.locator(`[data-testid=model-card][data-model="${BROKEN}"]`);
    await broken.getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByRole('alertdialog', { name: `Delete ${BROKEN}` });
    await confirm.waitFor();
    // the finished run's panel follows the rename
    expect(await page.getByTestId('train-result').innerText()).toContain('e2e series v2 is the active model.');
    await confirm.scrollIntoViewIfNeeded();
    await shot('09-delete');
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await broken.waitFor({ state: 'detached' });
    // the shipped models and the renamed one are left
    const shipped = readdirSync(path.join(repoRoot, 'resources', 'models'), { withFileTypes: true }).filter((d) => d.isDirectory()).length;
    expect(await page.getByTestId('model-card').count()).toBe(shipped + 1);
  });
});
