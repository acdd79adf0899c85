// Every sample file a chemist might bring (../shared/data/samples), imported once through the UI in browser
// mode, with screenshots of its molecules and problems left in test-results/samples-* for a person to look
// at. Too slow for the suite (about 3 minutes on 2 cores): run by hand,
//   node --import tsx renderer/e2e/look-samples.ts
// after `vite build renderer`. Exits 1 when an import fails, shows nothing without a reason, or the page logs an error.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { openSession, sharedData } from './session.ts';

const samples = path.join(sharedData, 'samples');
const files = readdirSync(samples).filter((f) => /\.(csv|smi|sdf)$/.test(f)).sort();
const session = await openSession('samples');
const { page } = session;
const failures: string[] = [];

try {
  await page.goto(session.served.url);
  await page.getByText('No collections yet').waitFor();
  for (const file of files) {
    await page.getByTestId('import-input').setInputFiles(path.join(samples, file));
    const card = page.getByRole('region', { name: 'Import' });
    await card.and(page.locator('[data-phase=done], [data-phase=failed]')).waitFor({ timeout: 90_000 });
    if ((await card.getAttribute('data-phase')) === 'failed') {
      failures.push(`${file}: import failed: ${await card.innerText()}`);
      await session.shot(`${file}-failed`);
      await card.getByRole('button', { name: 'Close' }).click();
      continue;
    }
    await page.getByText(/Computing properties/).waitFor({ state: 'detached', timeout: 120_000 });
    const molecules = Number((await page.getByTestId('molecule-count').innerText()).replace(/\D/g, ''));
    const problems = Number((await page.getByRole('tab', { name: /Problems/ }).innerText()).replace(/\D/g, ''));
    if (molecules > 0) {
      await page.locator('[role=row][aria-rowindex] img').nth(3).waitFor({ timeout: 30_000 });
      await session.shot(`${file}-molecules`);
    }
    if (problems > 0) {
      await page.getByRole('tab', { name: /Problems/ }).click();
      await page.getByTestId('problem').first().waitFor();
      await session.shot(`${file}-problems`);
      await page.getByRole('tab', { name: /Molecules/ }).click();
    }
    console.log(`${file}: ${molecules} molecules, ${problems} problems`);
    // A table of values (no structures) is not a collection of its own: the problem says so, and it is joined
    // onto its series with "Add values…" (renderer/e2e/values.e2e.ts). No molecules and no reason is a failure.
    if (molecules === 0 && problems === 0) failures.push(`${file}: no molecules and no problem saying why`);
    await card.getByRole('button', { name: 'Close' }).click();
  }
  if (session.troubles.length) failures.push(...session.troubles);
} finally {
  await session.close();
}
for (const f of failures) console.error(f);
process.exit(failures.length ? 1 : 0);
