// Optimizing from the UI, for real (issue 14): browser mode with the shipped model, Debian's Chromium. A small
// ChEMBL series is imported and encoded; in the Design view's Optimize tab a seed from the series gets live
// feedback (its QED, whether it keeps a SMARTS, how many neighbours pass), a small Pareto optimization of QED
// and SA runs as a job with its live plot, the results show seed → result, open in the table, and one is kept
// as a candidate with provenance 'optimize'. The model is mediocre, so the checks are about what comes back
// (valid molecules that meet the constraints, counts that add up, provenance), never about which molecule.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRDKit, withMol } from '../../main/chem/rdkit.ts';
import { morganFingerprintOf, tanimoto } from '../../main/chem/fingerprint.ts';
import { openSession, sharedData, type Session } from './session.ts';

const MOLECULES = 20;
const BUDGET = 120;
const DELTA = 0.4;

let session: Session;
let page: Page;
const shot = (name: string) => session.shot(name);
const lines = readFileSync(path.join(sharedData, 'samples', 'chembl2321810-series.smi'), 'utf8').split('\n').filter(Boolean).slice(0, MOLECULES);
// the series' first molecule: a sulfonamide (N-thiophenyl benzenesulfonamide with a biaryl ether)
const seed = lines[0].split(/\s+/)[0];

beforeAll(async () => {
  [session] = await Promise.all([openSession('optimize'), loadRDKit()]);
  page = session.page;
});

afterAll(() => session?.close());

describe('optimize from the UI, in browser mode', () => {
  it('imports and encodes a small series, and opens the Optimize tab', async () => {
    await page.goto(session.served.url);
    await page.getByTestId('import-input').setInputFiles({ name: 'series.smi', mimeType: 'text/plain', buffer: Buffer.from(`${lines.join('\n')}\n`) });
    await page.locator('[data-phase=done]').waitFor({ timeout: 60_000 });
    await page.getByRole('heading', { name: 'series' }).waitFor();
    await page.getByText(/Computing properties/).waitFor({ state: 'detached', timeout: 90_000 });
    await page.getByRole('tab', { name: 'Design' }).click();
    await page.getByRole('button', { name: /^Encode \d+ molecules$/ }).click();
    await expect.poll(() => page.getByTestId('encode-status').innerText(), { timeout: 120_000 }).toMatch(/^\d+ on the map(?![\s\S]*not encoded)/);
    await page.getByRole('tab', { name: 'Optimize' }).click();
    await page.getByRole('region', { name: 'Optimize' }).waitFor();
  });

  it('gives live feedback on the seed and the constraints', async () => {
    const panel = page.getByRole('region', { name: 'Optimize' });
    await panel.getByRole('textbox', { name: 'Optimization seed' }).fill(seed);
    const feedback = panel.getByTestId('neighbour-feedback');
    await expect.poll(() => feedback.innerText(), { timeout: 60_000 }).toMatch(/\d+ of \d+ neighbours of the seed pass every constraint/);
    const [, pass, judged] = /(\d+) of (\d+) neighbours/.exec(await feedback.innerText())!.map(Number);
    expect(judged).toBeGreaterThan(0);
    expect(pass).toBeLessThanOrEqual(judged);
    // the seed's own QED, by RDKit in the core
    expect(await panel.getByTestId('seed-values').innerText()).toMatch(/QED\s+0\.\d{2}/);

    const smarts = panel.getByRole('textbox', { name: 'SMARTS to keep' });
    await smarts.fill('S(=O)(=O)N((');
    await expect.poll(() => panel.getByTestId('smarts-status').innerText(), { timeout: 15_000 }).toContain('is not a SMARTS RDKit can read');
    await shot('01-bad-smarts');
    await smarts.fill('c1ccccc1');
    await expect.poll(() => panel.getByTestId('smarts-status').innerText(), { timeout: 15_000 }).toContain('the seed matches it');
    await smarts.fill('S(=O)(=O)N');
    await expect.poll(() => panel.getByTestId('smarts-status').innerText(), { timeout: 15_000 }).toContain('the seed matches it');
    // a tighter similarity cannot let more neighbours through
    await panel.getByRole('slider', { name: 'Similarity at least' }).fill('0.8');
    await expect.poll(async () => Number(/(\d+) of \d+ neighbours/.exec(await feedback.innerText())?.[1] ?? -1), { timeout: 15_000 }).toBeLessThanOrEqual(pass);
    await panel.getByRole('slider', { name: 'Similarity at least' }).fill(String(DELTA));
    await expect.poll(() => feedback.innerText(), { timeout: 15_000 }).toMatch(/neighbours of the seed pass/);
    await shot('02-feedback');

    // a target objective: its value and window, and a weight for each once there are two
    await panel.getByRole('combobox', { name: 'Add an objective' }).selectOption('clogp');
    expect(await panel.getByRole('spinbutton', { name: 'Objective 2 target' }).inputValue()).toBe('2.5');
    expect(await panel.getByRole('spinbutton', { name: 'Objective 2 window' }).inputValue()).toBe('0.5');
    await panel.getByRole('spinbutton', { name: 'Objective 1 weight' }).waitFor();
    await expect.poll(() => panel.getByTestId('seed-values').innerText(), { timeout: 15_000 }).toMatch(/QED\s+0\.\d+\s+cLogP\s+-?\d+\.\d{2}/);
    await panel.getByTestId('objective').nth(1).scrollIntoViewIfNeeded();
    await shot('02b-target');
    await panel.getByRole('button', { name: 'Remove objective 2' }).click();
  });

  it('runs a small Pareto optimization of QED and SA, with progress and a live plot, and shows the results seed → result', async () => {
    const panel = page.getByRole('region', { name: 'Optimize' });
    await panel.getByRole('combobox', { name: 'Add an objective' }).selectOption('sa');
    await panel.getByRole('checkbox', { name: 'Pareto front' }).check();
    await panel.getByRole('spinbutton', { name: 'Budget' }).fill(String(BUDGET));
    await panel.getByRole('textbox', { name: 'Results collection name' }).fill('e2e optimized');
    await panel.getByRole('button', { name: 'Optimize the seed' }).click();
    const card = panel.getByRole('region', { name: 'Optimization', exact: true });
    await card.waitFor();
    // the plot fills while the job runs, or at its end: at least one report with a best molecule
    await expect.poll(() => panel.getByTestId('optimize-trace').getAttribute('data-points').then(Number), { timeout: 90_000 }).toBeGreaterThan(0);
    await shot('03-running');
    await expect.poll(() => card.getAttribute('data-phase'), { timeout: 120_000 }).toBe('done');
    expect(await card.innerText()).toContain(`${BUDGET} / ${BUDGET}`);
    expect(await panel.getByTestId('optimize-best').innerText()).toMatch(/best score\s+-?\d+\.\d+.*QED\s+0\.\d+.*SA score\s+\d\.\d+/s);
    const front = Number(await panel.getByTestId('optimize-front').getAttribute('data-points'));
    expect(front).toBeGreaterThan(0);
    expect(await panel.getByTestId('front-caption').innerText()).toContain(`Pareto front: ${front} molecule`);

    const results = panel.getByTestId('optimize-result');
    await results.first().waitFor({ timeout: 30_000 });
    const total = Number(await panel.getByTestId('optimize-result-count').innerText());
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(5);
    expect(await results.count()).toBe(total);
    // every result is a valid molecule that meets the constraints, checked here with RDKit on our side
    const seedFp = morganFingerprintOf(seed)!;
    const sulfonamide = (await loadRDKit()).get_qmol('S(=O)(=O)N')!;
    for (const smiles of await results.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.smiles!))) {
      expect(withMol(smiles, (m) => m.get_smiles())).toBe(smiles);
      expect(tanimoto(morganFingerprintOf(smiles)!, seedFp)).toBeGreaterThanOrEqual(DELTA - 1e-9);
      expect(withMol(smiles, (m) => m.get_substruct_match(sulfonamide) !== '{}')).toBe(true);
    }
    const first = results.first();
    for (const img of await first.locator('img').all()) expect(await img.evaluate((i) => (i as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    expect(await first.innerText()).toMatch(/improvement\s+[+−]\d\.\d{3}/);
    expect(await first.innerText()).toMatch(/sim\s+\d\.\d{2}/);
    await first.scrollIntoViewIfNeeded();
    await shot('04-results');
  }, 300_000);

  it('keeps a result as a candidate with provenance optimize, and opens the results in the table', async () => {
    const panel = page.getByRole('region', { name: 'Optimize' });
    const first = panel.getByTestId('optimize-result').first();
    const smiles = (await first.getAttribute('data-smiles'))!;
    await first.getByRole('button', { name: 'Keep…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Keep as candidate' });
    await dialog.getByRole('textbox', { name: 'New list name' }).fill('optimized picks');
    await dialog.getByRole('radio', { name: '5 stars' }).click();
    await dialog.getByRole('textbox', { name: 'Note' }).fill('QED up, SA down, sulfonamide kept');
    await dialog.getByRole('button', { name: 'Keep' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('status').filter({ hasText: 'Kept 1 molecule in optimized picks' }).waitFor();
    const sidebar = page.getByRole('navigation', { name: 'Collections' });
    await expect.poll(() => sidebar.innerText()).toMatch(/optimized picks\s+1 molecules?/i);

    // the list holds the molecule with the optimization's provenance
    const token = new URL(session.served.url).searchParams.get('token');
    const kept = await page.evaluate(async (token) => {
      const post = (name: string, args: unknown) =>
        fetch(`/api/${name}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(args) }).then((r) => r.json());
      const lists = (await post('collections.list', {})) as { id: number; name: string }[];
      const list = lists.find((c) => c.name === 'optimized picks')!;
      return post('collections.molecules', { collectionId: list.id, offset: 0, limit: 10 });
    }, token);
    expect(kept.rows).toHaveLength(1);
    expect(kept.rows[0].canonicalSmiles).toBe(smiles);
    expect(kept.rows[0].userProps).toMatchObject({ operation: 'optimize', rating: 5, model: expect.any(String), model_sha256: expect.stringMatching(/^[0-9a-f]{64}$/), random_seed: 0 });
    expect(withMol(kept.rows[0].userProps.seed, (m) => m.get_smiles())).toBe(withMol(seed, (m) => m.get_smiles()));
    expect(JSON.parse(kept.rows[0].userProps.parameters)).toMatchObject({ method: 'gradient' });

    await panel.getByRole('button', { name: 'Open in the table' }).click();
    await page.getByRole('heading', { name: 'e2e optimized' }).waitFor();
    await expect.poll(async () => Number((await page.getByTestId('molecule-count').innerText()).split(' ')[0])).toBeGreaterThan(0);
    await shot('05-table');
  });

  it('stops a longer optimization with Cancel and keeps what it found', async () => {
    await page.getByRole('navigation', { name: 'Collections' }).getByText('series', { exact: true }).click();
    await page.getByRole('tab', { name: 'Design' }).click();
    await page.getByRole('tab', { name: 'Optimize' }).click();
    const panel = page.getByRole('region', { name: 'Optimize' });
    // the collection's settings are kept (QED ↑ and SA ↓ as a Pareto front, δ 0.4, the sulfonamide), and the last run shows
    await panel.getByTestId('optimize-result').first().waitFor();
    expect(await panel.getByRole('spinbutton', { name: 'Budget' }).inputValue()).toBe(String(BUDGET));
    await panel.getByRole('textbox', { name: 'Optimization seed' }).fill(seed);
    await panel.getByRole('spinbutton', { name: 'Budget' }).fill('20000');
    await panel.getByRole('textbox', { name: 'Results collection name' }).fill('e2e cancelled');
    await panel.getByRole('button', { name: 'Optimize the seed' }).click();
    const card = panel.getByRole('region', { name: 'Optimization', exact: true });
    await card.waitFor();
    // cancel once something meets every constraint
    await expect.poll(async () => Number(/(\d+) meet every constraint/.exec(await panel.getByTestId('optimize-best').innerText())?.[1] ?? 0), { timeout: 90_000 }).toBeGreaterThan(0);
    await card.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => card.getAttribute('data-phase'), { timeout: 60_000 }).toBe('cancelled');
    const [done, total] = /([\d,]+) \/ ([\d,]+)/.exec(await card.innerText())!.slice(1).map((x) => Number(x.replaceAll(',', '')));
    expect(total).toBe(20000);
    expect(done).toBeLessThan(total);
    await panel.getByTestId('optimize-result').first().waitFor({ timeout: 30_000 });
    const kept = Number(await panel.getByTestId('optimize-result-count').innerText());
    expect(kept).toBeGreaterThan(0);
    const sidebar = page.getByRole('navigation', { name: 'Collections' });
    await expect.poll(() => sidebar.innerText()).toMatch(new RegExp(`e2e cancelled\\s+${kept} molecules?`));
    await shot('06-cancelled');

    // after a reload the collection's Design view finds the run again, with its results
    await page.reload();
    await page.getByRole('navigation', { name: 'Collections' }).getByText('series', { exact: true }).click();
    await page.getByRole('tab', { name: 'Design' }).click();
    await page.getByRole('tab', { name: 'Optimize' }).click();
    const again = page.getByRole('region', { name: 'Optimize' });
    await expect.poll(() => again.getByRole('region', { name: 'Optimization', exact: true }).getAttribute('data-phase'), { timeout: 30_000 }).toBe('cancelled');
    await again.getByTestId('optimize-result').first().waitFor({ timeout: 30_000 });
    expect(Number(await again.getByTestId('optimize-result-count').innerText())).toBe(kept);
  });

  it('had no console error, page error or CSP violation', () => {
    expect(session.troubles).toEqual([]);
  });
});
