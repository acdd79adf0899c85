// compactSvg on RDKit's own drawings: no inline style left, each element's class list gains exactly the class
// whose rule is the style it had, nothing else changes. (That the picture is the same to the pixel is checked in
// a real browser: renderer/e2e/compact-svg.e2e.ts.)
import { beforeAll, describe, expect, it } from 'vitest';
import { compactSvg } from './compact-svg.ts';
import { loadRDKit, withMol } from './rdkit.ts';

beforeAll(async () => {
  await loadRDKit();
});

/** Each element as its tag, its attributes (class split off) and its style declarations. */
function elements(svg: string, sheet: Map<string, string>) {
  return [...svg.matchAll(/<(\w+)((?:\s+[\w:-]+='[^']*')*)\s*\/?>/g)]
    .filter((m) => m[1] !== 'style')
    .map((m) => {
      const attrs = Object.fromEntries([...m[2].matchAll(/([\w:-]+)='([^']*)'/g)].map((a) => [a[1], a[2]]));
      const classes = (attrs.class ?? '').split(' ').filter(Boolean);
      const styles = [attrs.style, ...classes.map((c) => sheet.get(c))].filter((s): s is string => s !== undefined);
      const { class: _c, style: _s, ...rest } = attrs;
      return { tag: m[1], rest, kept: classes.filter((c) => !sheet.has(c)), styles };
    });
}

describe('compactSvg', () => {
  it('turns every inline style into one class rule, element by element, and drops the prolog and comments', () => {
    const svg = withMol('C[C@H](N)C(=O)O[C@@H]1CC[N+](C)(C)C1', (mol) => mol.get_svg_with_highlights(JSON.stringify({ width: 340, height: 250, atoms: [0, 1, 2], bonds: [0, 1] })))!;
    const compact = compactSvg(svg);
    expect(svg).toMatch(/^<\?xml/);
    expect(compact).not.toMatch(/<\?xml|<!--| style='/);
    expect(compact.length).toBeLessThan(0.7 * svg.length);
    const rules = new Map([...compact.matchAll(/\.(s\d+)\{([^}]*)\}/g)].map((m) => [m[1], m[2]]));
    expect(rules.size).toBeGreaterThan(2);
    const before = elements(svg, new Map()), after = elements(compact, rules);
    expect(after).toHaveLength(before.length);
    after.forEach((a, i) => {
      expect(a.tag).toBe(before[i].tag);
      expect(a.rest).toEqual(before[i].rest);
      expect(a.kept).toEqual(before[i].kept);
      expect(a.styles).toEqual(before[i].styles);
    });
  });

  it('leaves a drawing without inline styles as it is', () => {
    const plain = "<svg xmlns='http://www.w3.org/2000/svg' width='10px' height='10px'><path class='bond-0' d='M 0,0 L 5,5' fill='#000000'/></svg>";
    expect(compactSvg(plain)).toBe(plain);
  });
});
