// The molecules the model cannot read, listed with the reason in the Design view (issue 16, item 2): browser
// mode with the shipped model, Debian's Chromium. A few molecules of a ChEMBL series and two the ZINC model's
// vocabulary cannot write (a silyl ether, a boronic acid) are imported and encoded; the Design bar's count
// opens the list, which names each row and the token the model lacks.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSession, sharedData, type Session } from './session.ts';

let session: Session;
let page: Page;

beforeAll(async () => {
  session = await openSession('unreadable');
  page = session.page;
});

afterAll(() => session?.close());

describe('molecules the model cannot read, in the Design view', () => {
  const series = readFileSync(path.join(sharedData, 'samples', 'chembl2321810-series.smi'), 'utf8').split('\n').filter(Boolean).slice(0, 12);
  const unreadable = ['C[Si](C)(C)Oc1ccccc1 silyl-ether', 'OB(O)c1ccccc1 boronic-acid'];
  const lines = [...series.slice(0, 6), unreadable[0], ...series.slice(6), unreadable[1]];

  it('lists them with the row, the name, the SMILES and the token the model lacks', async () => {
    await page.goto(session.served.url);
    await page.getByTestId('import-input').setInputFiles({ name: 'mixed.smi', mimeType: 'text/plain', buffer: Buffer.from(`${lines.join('\n')}\n`) });
    await page.locator('[data-phase=done]').waitFor({ timeout: 60_000 });
    await page.getByText(/Computing properties/).waitFor({ state: 'detached', timeout: 90_000 });
    await page.getByRole('tab', { name: 'Design' }).click();
    const status = page.getByTestId('encode-status');
    await page.getByRole('button', { name: /^Encode \d+ molecules$/ }).click();
    await page.getByRole('region', { name: 'Encode' }).waitFor({ state: 'detached', timeout: 120_000 });
    await expect.poll(() => status.innerText(), { timeout: 30_000 }).toMatch(/^\d+ on the map · \d+ the model cannot read/);
    const shown = Number(/(\d+) the model cannot read/.exec(await status.innerText())![1]);
    expect(shown).toBeGreaterThanOrEqual(2);

    await page.getByRole('button', { name: /the model cannot read/ }).click();
    const list = page.getByRole('region', { name: 'Molecules the model cannot read' });
    await list.waitFor();
    const rows = list.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(shown);
    const text = await list.innerText();
    // each of the two by its row in the file, its name, its SMILES and the token
    expect(text).toMatch(new RegExp(`${lines.indexOf(unreadable[0]) + 1}\\s+silyl-ether\\s+C\\[Si\\]\\(C\\)\\(C\\)Oc1ccccc1\\s+the token '\\[Si\\]' at position \\d+ is not in the model's vocabulary`));
    expect(text).toMatch(new RegExp(`${lines.length}\\s+boronic-acid\\s+OB\\(O\\)c1ccccc1\\s+the token 'B' at position \\d+ is not in the model's vocabulary`));
    await session.shot('01-list');
    // the count toggles the list closed again
    await page.getByRole('button', { name: /the model cannot read/ }).click();
    await list.waitFor({ state: 'detached' });
  });

  it('had no console error, page error or CSP violation', () => {
    expect(session.troubles).toEqual([]);
  });
});
