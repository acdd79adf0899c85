// The report card beside a bundle (report-card-files.ts), on a real copy of the shipped bundle: written beside the
// manifest, it leaves the model's identity (the manifest's sha256) and its loading untouched, and the Models
// listing shows its figures only while it belongs to that manifest; a broken card never hides the model.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyBundle } from '../../models/vae/bundle.ts';
import { tempDir } from '../store/test-util.ts';
import { defaultModelDir } from './model-path.ts';
import { modelInfo } from './model-registry.ts';
import { reportCardMarkdown } from './report-card.ts';
import type { ReportCard } from './report-card.ts';
import { MODEL_CARD_FILE, REPORT_CARD_FILE, readCardFigures, writeReportCardFiles } from './report-card-files.ts';

const tmp = tempDir('molscape-card-');
afterAll(() => tmp.remove());

function bundleCopy(name: string): string {
  const dir = path.join(tmp.dir, name);
  fs.cpSync(defaultModelDir(), dir, { recursive: true });
  for (const f of [REPORT_CARD_FILE, MODEL_CARD_FILE]) fs.rmSync(path.join(dir, f), { force: true });
  return dir;
}

const drawCard = (strategy: 'greedy' | 'greedy-masked' | 'valid-first', validity: number) => ({
  strategy, draws: 300, validity, unique1k: null, unique10k: null, novelty: 1, intDiv1: 0.88, intDiv2: 0.87, filters: 0.55, snn: 0.31, scaf: 0.4, frag: 0.97,
});
const card = (sha256: string): ReportCard => ({
  model: { name: 'zinc250k', sha256, latent: 56 },
  reconstruction: { molecules: 20, notEncodable: 0, exact: 0.8, exactWithoutStereo: 0.85, tanimotoAtLeast09: 0.9 },
  draws: [drawCard('greedy', 0.7), drawCard('greedy-masked', 0.75), drawCard('valid-first', 0.99)],
  seed: 0,
  definitions: { exact: '', draws: '', metrics: '' },
  seconds: 1,
});

describe('the report card beside a bundle', () => {
  it('is written beside the manifest without changing the model it measures', () => {
    const dir = bundleCopy('measured');
    const before = verifyBundle(dir).manifestSha256;
    const manifestBytes = fs.readFileSync(path.join(dir, 'manifest.json'));
    const files = writeReportCardFiles(dir, card(before), '# Model card\n');
    expect(files.map((f) => path.basename(f)).sort()).toEqual([MODEL_CARD_FILE, REPORT_CARD_FILE].sort());
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    // the identity: the manifest's bytes and sha256 as they were, and the bundle still verifies
    expect(fs.readFileSync(path.join(dir, 'manifest.json')).equals(manifestBytes)).toBe(true);
    expect(verifyBundle(dir).manifestSha256).toBe(before);
    const info = modelInfo(dir, 'measured', 'user', 'zinc250k');
    expect(info.problem).toBeNull();
    expect(info.card!.metrics).toMatchObject({ cardDraws: 300, cardExact: 0.8, cardValidityGreedy: 0.7, cardValidityGreedyMasked: 0.75, cardValidFirstValidity: 0.99, cardValidFirstFrag: 0.97 });
  });

  it("a card measured on another manifest is not shown (a retrained bundle's stale card)", () => {
    const dir = bundleCopy('stale');
    writeReportCardFiles(dir, card('0'.repeat(64)), '# Model card\n');
    expect(readCardFigures(dir, verifyBundle(dir).manifestSha256)).toBeNull();
    expect(Object.keys(modelInfo(dir, 'stale', 'user', 'zinc250k').card!.metrics).filter((k) => k.startsWith('card'))).toEqual([]);
  });

  it('a broken card is ignored and the model is still listed', () => {
    const dir = bundleCopy('broken');
    const sha = verifyBundle(dir).manifestSha256;
    fs.writeFileSync(path.join(dir, REPORT_CARD_FILE), '{"model": {"sha256": "' + sha + '"}, "draws": [');
    expect(readCardFigures(dir, sha)).toBeNull();
    fs.writeFileSync(path.join(dir, REPORT_CARD_FILE), JSON.stringify({ model: { sha256: sha }, draws: 'many', reconstruction: [1] }));
    expect(readCardFigures(dir, sha)).toBeNull();
    fs.rmSync(path.join(dir, REPORT_CARD_FILE));
    fs.mkdirSync(path.join(dir, REPORT_CARD_FILE));
    expect(readCardFigures(dir, sha)).toBeNull();
    const info = modelInfo(dir, 'broken', 'user', 'zinc250k');
    expect(info.problem).toBeNull();
    expect(info.card).not.toBeNull();
  });

  it('the model card shows greedy, masked greedy and valid-first side by side (two columns for older cards)', () => {
    const about = { test: 't', train: 'u', date: '2026-12-07' };
    const md = reportCardMarkdown(card('a'.repeat(64)), about);
    expect(md).toContain('| metric | greedy | greedy, masked | valid-first |');
    expect(md).toContain('| validity | 70.0 % | 75.0 % | 99.0 % |');
    const old = card('a'.repeat(64));
    old.draws = old.draws.filter((d) => d.strategy !== 'greedy-masked');
    const oldMd = reportCardMarkdown(old, about);
    expect(oldMd).toContain('| metric | greedy | valid-first |\n|---|---|---|\n| validity | 70.0 % | 99.0 % |');
  });
});
