// Objectives learned from the chemist's own data, from the UI, for real (issue 14, item 1): browser mode with the
// shipped model, Debian's Chromium. A ChEMBL series with its measured activity (`Act`, joined from the sample's
// activity file) is imported; in the Optimize tab the measured column is offered as an objective, its surrogate's
// cross-validated R² is shown, and a small CMA-ES run climbs it, each result with the predicted activity beside its
// start's. Then the chemist's taste: candidates rated with stars (through the API, as the Keep dialog does) are
// learned, the fit is shown, a run follows it; after the ratings change, the next run's fit is a new one.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSession, sharedData, type Session } from './session.ts';

const MOLECULES = 40;
let session: Session;
let page: Page;
const shot = (name: string) => session.shot(name);

const series = readFileSync(path.join(sharedData, 'samples', 'chembl2321810-series.smi'), 'utf8').split('\n').filter(Boolean).map((l) => l.split(/\s+/));
const activity = new Map(
  readFileSync(path.join(sharedData, 'samples', 'chembl2321810-activities.csv'), 'utf8').split('\n').slice(1).filter(Boolean).map((l) => l.split(',') as [string, string]),
);
const rows = series.filter(([, name]) => activity.has(name)).slice(0, MOLECULES);
const csv = `smiles,name,Act\n${rows.map(([s, name]) => `${s},${name},${activity.get(name)}`).join('\n')}\n`;
const seed = rows[0][0];

async function api<T>(name: string, args: unknown): Promise<T> {
  const token = new URL(session.served.url).searchParams.get('token');
  return page.evaluate(
    async ([name, args, token]) => {
      const r = await fetch(`/api/${name}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(args) });
      if (!r.ok) throw new Error(`${name}: ${r.status} ${await r.text()}`);
      return r.json();
    },
    [name, args, token] as const,
  ) as Promise<T>;
}

beforeAll(async () => {
  session = await openSession('learned');
  page = session.page;
});

afterAll(() => session?.close());

describe('objectives learned from your data, in browser mode', () => {
  it('imports a series with its measured activity and opens the Optimize tab', async () => {
    expect(rows.length).toBe(MOLECULES);
    await page.goto(session.served.url);
    await page.getByTestId('import-input').setInputFiles({ name: 'series-act.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.locator('[data-phase=done]').waitFor({ timeout: 60_000 });
    await page.getByRole('heading', { name: 'series-act' }).waitFor();
    await page.getByText(/Computing properties/).waitFor({ state: 'detached', timeout: 90_000 });
    await page.getByRole('tab', { name: 'Design' }).click();
    await page.getByRole('button', { name: /^Encode \d+ molecules$/ }).click();
    await expect.poll(() => page.getByTestId('encode-status').innerText(), { timeout: 120_000 }).toMatch(/^\d+ on the map/);
    await page.getByRole('tab', { name: 'Optimize' }).click();
    await page.getByRole('region', { name: 'Optimize' }).waitFor();
  });

  it('offers the measured column as an objective, shows its fit, and climbs it', async () => {
    const panel = page.getByRole('region', { name: 'Optimize' });
    await panel.getByRole('textbox', { name: 'Optimization seed' }).fill(seed);
    const add = panel.getByRole('combobox', { name: 'Add an objective' });
    await expect.poll(() => add.innerText(), { timeout: 30_000 }).toContain(`Act (learned from ${MOLECULES} values)`);
    await add.selectOption('user:Act');
    // a learned objective has no gradient in the property head: CMA-ES
    expect(await panel.getByRole('radio', { name: 'CMA-ES' }).isChecked()).toBe(true);
    const fit = panel.getByTestId('surrogate-fit');
    await expect.poll(() => fit.innerText(), { timeout: 60_000 }).toMatch(new RegExp(`Act: ridge on the Morgan fingerprints of ${MOLECULES} molecules, cross-validated R² -?\\d\\.\\d{2}`));
    await panel.getByRole('button', { name: 'Remove objective 1' }).click();
    await expect.poll(() => panel.getByTestId('seed-values').innerText(), { timeout: 30_000 }).toMatch(/Act \(learned\)\s+\d\.\d{2}/);
    await panel.getByRole('spinbutton', { name: 'Budget' }).fill('48');
    await panel.getByRole('textbox', { name: 'Results collection name' }).fill('e2e activity');
    await panel.getByTestId('surrogate-fit').scrollIntoViewIfNeeded();
    await shot('01-measured-fit');
    await panel.getByRole('button', { name: 'Optimize the seed' }).click();
    const card = panel.getByRole('region', { name: 'Optimization', exact: true });
    await expect.poll(() => card.getAttribute('data-phase'), { timeout: 120_000 }).toBe('done');
    await expect.poll(() => panel.getByTestId('run-surrogate').first().innerText(), { timeout: 10_000 }).toMatch(/Act: learned from 40 molecules, cross-validated R²/);
    const results = panel.getByTestId('optimize-result');
    await results.first().waitFor({ timeout: 30_000 });
    // each result with the predicted activity and its change from the start
    expect(await results.first().getByTestId('learned-value').innerText()).toMatch(/Act \(learned\)\s+\d\.\d{2}\s*[+−]\d\.\d{2}/);
    await results.first().scrollIntoViewIfNeeded();
    await shot('02-measured-results');
    // the generated collection carries the prediction as its own column, apart from the measured one
    const lists = await api<{ id: number; name: string; userColumns: string[] }[]>('collections.list', {});
    expect(lists.find((c) => c.name === 'e2e activity')!.userColumns).toContain('predicted Act');
  }, 300_000);

  it("learns the chemist's taste from star ratings, and learns it again when the ratings change", async () => {
    const provenance = { operation: 'manual', seed: null, params: {}, model: null, modelSha256: null, randomSeed: null, createdAt: new Date().toISOString() };
    // the twelve most active rated 5, the twelve least active 1
    const byAct = [...rows].sort((a, b) => Number(activity.get(b[1])) - Number(activity.get(a[1])));
    const kept: { molecule: { id: number } }[] = [];
    for (const [i, [smiles]] of [...byAct.slice(0, 12), ...byAct.slice(-12)].entries()) {
      kept.push(await api('candidates.keep', { listName: 'taste e2e', smiles, provenance, rating: i < 12 ? 5 : 1 }));
    }
    const panel = page.getByRole('region', { name: 'Optimize' });
    // the settings folded to one line when the last run started: open them
    await panel.locator('details.settings > summary').click();
    await panel.getByRole('combobox', { name: 'Objective 1 property' }).selectOption('taste');
    const fit = panel.getByTestId('surrogate-fit');
    await expect.poll(() => fit.innerText(), { timeout: 60_000 }).toMatch(/your taste.*of 24 molecules, cross-validated R² -?\d\.\d{2}.*Refitted before each start/s);
    const first = await fit.innerText();
    await panel.getByRole('spinbutton', { name: 'Budget' }).fill('32');
    await panel.getByRole('textbox', { name: 'Results collection name' }).fill('e2e taste');
    await shot('03-taste-fit');
    await panel.getByRole('button', { name: 'Optimize the seed' }).click();
    const card = panel.getByRole('region', { name: 'Optimization', exact: true });
    await expect.poll(() => card.getAttribute('data-phase'), { timeout: 120_000 }).toBe('done');
    await expect.poll(() => panel.getByTestId('run-surrogate').first().innerText(), { timeout: 10_000 }).toMatch(/your taste.*learned from 24 molecules/);

    // the chemist changes their mind about half of them: the panel's fit is learned again on the next look
    for (const k of kept.slice(0, 6)) await api('candidates.update', { moleculeId: k.molecule.id, rating: 2 });
    await panel.locator('details.settings > summary').click();
    await panel.getByRole('combobox', { name: 'Objective 1 property' }).selectOption('qed');
    await panel.getByRole('combobox', { name: 'Objective 1 property' }).selectOption('taste');
    await expect.poll(() => fit.innerText(), { timeout: 60_000 }).not.toBe(first);
    expect(await fit.innerText()).toMatch(/of 24 molecules, cross-validated R² -?\d\.\d{2}/);
    await shot('04-taste-refit');
  }, 300_000);

  it('had no console error, page error or CSP violation', () => {
    expect(session.troubles).toEqual([]);
  });
});
