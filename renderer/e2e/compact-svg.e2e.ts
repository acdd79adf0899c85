// RDKit's drawings, written compactly (main/chem/compact-svg.ts), look exactly as RDKit wrote them: in Debian's
// Chromium, on the app's own page (its Content-Security-Policy forbids inline styles on the page; an SVG image's
// own <style> is the image's business), each drawing and its compact form are painted on a canvas and compared
// pixel by pixel. Molecules with highlights (the walk's changed atoms), charges, stereo and heteroatoms whose
// labels RDKit draws as glyph paths.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRDKit, withMol } from '../../main/chem/rdkit.ts';
import { compactSvg } from '../../main/chem/compact-svg.ts';
import { openSession, type Session } from './session.ts';

const MOLECULES = [
  'CC(=O)Nc1ccc(O)cc1C(=O)N1CCN(C)CC1',
  'C[C@H](N)C(=O)O[C@@H]1CC[N+](C)(C)C1',
  'O=C([O-])c1ccc(S(=O)(=O)Nc2nccs2)cc1Br',
  'FC(F)(F)c1ccc(-c2nc3ccccc3[nH]2)cc1Cl',
  'C#CCN1C(=O)/C(=C/c2ccco2)SC1=S',
];

let session: Session;
beforeAll(async () => {
  session = await openSession('compact-svg');
  await session.page.goto(session.served.url);
  await loadRDKit();
});
afterAll(async () => {
  await session?.close();
});

describe('compact drawings', () => {
  it('paint the same pixels as the drawings RDKit wrote, on the app page', async () => {
    const pairs = MOLECULES.map((smiles, i) =>
      withMol(smiles, (mol) => {
        const svg = mol.get_svg_with_highlights(JSON.stringify({ width: 340, height: 250, atoms: i % 2 ? [0, 1, 2, 3] : [], bonds: i % 2 ? [0, 1] : [] }));
        return { svg, compact: compactSvg(svg) };
      })!,
    );
    for (const { svg, compact } of pairs) expect(compact.length).toBeLessThan(0.7 * svg.length);
    const results = await session.page.evaluate(async (pairs) => {
      const paint = async (svg: string) => {
        const img = new Image();
        img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
        await img.decode();
        const canvas = document.createElement('canvas');
        canvas.width = 340;
        canvas.height = 250;
        const ctx = canvas.getContext('2d')!;
        ctx.drawImage(img, 0, 0);
        return ctx.getImageData(0, 0, 340, 250).data;
      };
      const out = [];
      for (const { svg, compact } of pairs) {
        const a = await paint(svg), b = await paint(compact);
        let differ = 0, ink = 0;
        for (let k = 0; k < a.length; k += 4) {
          if (a[k] !== b[k] || a[k + 1] !== b[k + 1] || a[k + 2] !== b[k + 2] || a[k + 3] !== b[k + 3]) differ++;
          if (a[k] < 200 || a[k + 1] < 200 || a[k + 2] < 200) ink++;
        }
        out.push({ differ, ink });
      }
      return out;
    }, pairs);
    for (const r of results) {
      // a drawing (bonds, labels) that is the same to the pixel
      expect(r.ink).toBeGreaterThan(1000);
      expect(r.differ).toBe(0);
    }
    expect(session.troubles).toEqual([]);
  });
});
