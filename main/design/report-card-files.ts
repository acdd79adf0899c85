// Where a model's report card lives: `report_card.json` (the figures, as `molscape evaluate --report-card` makes
// them) and `MODEL_CARD.md` (the same as a model card for people) in the bundle's folder, beside manifest.json and
// not listed in it. The manifest's sha256 is the model's identity (workspace latent vectors and provenance are keyed
// by it), so writing figures into it would make a measured model a different model; the card instead names the
// manifest sha256 it was measured on, and is read only when that is still the bundle's (a retrained or replaced
// bundle's stale card is ignored). The bundle verifier reads only the files the manifest lists, so these two never
// change whether a bundle loads.
import fs from 'node:fs';
import path from 'node:path';
import type { ReportCard } from './report-card.ts';

export const REPORT_CARD_FILE = 'report_card.json';
export const MODEL_CARD_FILE = 'MODEL_CARD.md';
/** Files a bundle folder may hold beside those its manifest lists. */
export const CARD_FILES: readonly string[] = [REPORT_CARD_FILE, MODEL_CARD_FILE];

/** Write both files into the bundle folder (each through a temporary file and a rename, so none is half-written). */
export function writeReportCardFiles(bundleDir: string, card: ReportCard, markdown: string): string[] {
  const out: [string, string][] = [
    [REPORT_CARD_FILE, JSON.stringify(card, null, 1) + '\n'],
    [MODEL_CARD_FILE, markdown],
  ];
  return out.map(([name, text]) => {
    const file = path.join(bundleDir, name);
    const tmp = `${file}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
    return file;
  });
}

/** A card's headline figures, flat (name → value), as the Models view and `molscape models` show them. */
export type CardFigures = Record<string, number>;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/**
 * The headline figures of the report card in a bundle folder, or null when there is none, it is not a report card
 * (unreadable JSON, no figures) or it was measured on another manifest than `manifestSha256`. Never throws: a card
 * is a note beside the model, and a bad one must not stop the model from being listed.
 */
export function readCardFigures(bundleDir: string, manifestSha256: string): CardFigures | null {
  const file = path.join(bundleDir, REPORT_CARD_FILE);
  let doc: Record<string, unknown>;
  try {
    const st = fs.lstatSync(file);
    // a card is small: anything else (a link, a device, a huge file) is not read
    if (!st.isFile() || st.size > 1 << 20) return null;
    doc = obj(JSON.parse(fs.readFileSync(file, 'utf8')));
  } catch {
    return null;
  }
  if (obj(doc.model).sha256 !== manifestSha256) return null;
  const out: CardFigures = {};
  const put = (k: string, v: unknown) => {
    const n = num(v);
    if (n !== null) out[k] = n;
  };
  const rec = obj(doc.reconstruction);
  put('cardExact', rec.exact);
  put('cardExactWithoutStereo', rec.exactWithoutStereo);
  put('cardTestMolecules', rec.molecules);
  const draws = Array.isArray(doc.draws) ? doc.draws.map(obj) : [];
  const greedy = draws.find((d) => d.strategy === 'greedy');
  const validFirst = draws.find((d) => d.strategy === 'valid-first');
  put('cardDraws', validFirst?.draws ?? greedy?.draws);
  put('cardValidityGreedy', greedy?.validity);
  put('cardValidityGreedyMasked', draws.find((d) => d.strategy === 'greedy-masked')?.validity);
  if (validFirst) {
    for (const k of ['validity', 'unique10k', 'novelty', 'intDiv1', 'filters', 'snn', 'frag', 'scaf']) put(`cardValidFirst${k[0].toUpperCase()}${k.slice(1)}`, validFirst[k]);
  }
  return Object.keys(out).length ? out : null;
}
