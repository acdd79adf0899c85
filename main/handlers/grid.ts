// collections.grid: one SVG of structures in a grid, each RDKit drawing nested as its own <svg x y> with
// legend lines under it (name, SMILES, property values formatted as the table shows them), for a meeting.
// Every text is XML-escaped; the result is one well-formed SVG document a browser can rasterize to PNG.
import type { MoleculeRow } from '../api/contract.ts';
import { MODEL_COLUMN_DEFS, isModelColumn } from '../api/model-columns.ts';
import { PROPERTY_DEFS } from '../api/properties.ts';
import { loadRDKit, withMol } from '../chem/rdkit.ts';

export interface GridOptions {
  columns: number;
  cellWidth: number;
  /** 'name', 'smiles', a property name, 'user:<column>' or the active model's 'model:fit' / 'model:held' */
  legend: readonly string[];
}

const LINE = 14;
const FONT = 11;
const PAD = 6;

export function escapeXml(s: string): string {
  // characters XML 1.0 does not allow at all are dropped; the five specials are escaped
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[<>&'"]/g, (c) => `&${({ '<': 'lt', '>': 'gt', '&': 'amp', "'": 'apos', '"': 'quot' })[c]};`);
}

const DEFS = new Map(PROPERTY_DEFS.map((d) => [d.key, d]));
const MODEL_DEFS = new Map(MODEL_COLUMN_DEFS.map((d) => [d.key, d]));

function formatValue(v: unknown, digits?: number): string {
  if (v === null || v === undefined || v === '') return '–';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return String(v);
    if (digits !== undefined) return v.toFixed(digits);
    return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
  }
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return String(v);
}

/** One legend line for a row: 'name' and 'smiles' bare, other keys as "Label: value". */
export function legendLine(row: MoleculeRow, key: string): string {
  if (key === 'name') return row.name ?? `#${row.position}`;
  if (key === 'smiles') return row.canonicalSmiles;
  if (key.startsWith('user:')) return `${key.slice(5)}: ${formatValue(row.userProps[key.slice(5)])}`;
  if (isModelColumn(key)) {
    // the active model's confidence, on the row where that model encoded it, written as the table writes it;
    // the fit's unit stays in the table's header: a legend line has a cell's width
    const def = MODEL_DEFS.get(key)!;
    const label = key === 'model:fit' ? 'model fit' : def.label;
    return `${label}: ${formatValue(key === 'model:fit' ? row.confidence?.fit : row.confidence?.held, def.digits)}`;
  }
  const def = DEFS.get(key);
  return `${def?.label ?? key}: ${formatValue(row.props[key], def?.digits)}`;
}

/** Cuts a line to about what fits in `width` pixels at the legend's font size. */
function fit(text: string, width: number): string {
  const max = Math.max(4, Math.floor(width / (FONT * 0.6)));
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** An RDKit SVG drawing placed at (x, y): its XML declaration dropped, position set on its root element. */
function placed(svg: string, x: number, y: number): string {
  const body = svg.replace(/^\s*<\?xml[^>]*\?>\s*/, '');
  return body.replace(/^<svg\b/, `<svg x='${x}' y='${y}'`);
}

export async function gridSvg(rows: readonly MoleculeRow[], o: GridOptions): Promise<string> {
  await loadRDKit();
  const cols = Math.max(1, Math.min(o.columns, rows.length || 1));
  const w = o.cellWidth;
  const drawH = Math.round(w * 0.75);
  const cellH = drawH + PAD + o.legend.length * LINE + PAD;
  const gridRows = Math.ceil(rows.length / cols);
  const width = cols * w;
  const height = Math.max(1, gridRows) * cellH;
  const parts: string[] = [
    `<svg xmlns='http://www.w3.org/2000/svg' version='1.1' width='${width}' height='${height}' viewBox='0 0 ${width} ${height}'>`,
    `<rect x='0' y='0' width='${width}' height='${height}' fill='#ffffff'/>`,
  ];
  rows.forEach((row, i) => {
    const x = (i % cols) * w;
    const y = Math.floor(i / cols) * cellH;
    let drawing: string | undefined;
    try {
      drawing = withMol(row.smiles, (mol) => mol.get_svg(w, drawH)) ?? withMol(row.canonicalSmiles, (mol) => mol.get_svg(w, drawH));
    } catch {
      drawing = undefined;
    }
    parts.push(`<g class='cell'>`);
    if (drawing) parts.push(placed(drawing, x, y));
    else parts.push(`<text x='${x + w / 2}' y='${y + drawH / 2}' text-anchor='middle' font-family='sans-serif' font-size='${FONT}' fill='#a00'>cannot draw this structure</text>`);
    o.legend.forEach((key, k) => {
      const text = escapeXml(fit(legendLine(row, key), w - 2 * PAD));
      parts.push(`<text x='${x + w / 2}' y='${y + drawH + PAD + (k + 1) * LINE - 3}' text-anchor='middle' font-family='sans-serif' font-size='${FONT}' fill='#222'>${text}</text>`);
    });
    parts.push(`<rect x='${x + 0.5}' y='${y + 0.5}' width='${w - 1}' height='${cellH - 1}' fill='none' stroke='#dddddd'/>`);
    parts.push('</g>');
  });
  parts.push('</svg>');
  return parts.join('\n');
}
