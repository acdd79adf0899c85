// What a problem quotes of a file's line (issue 18, item 3): a short excerpt, control characters escaped. A
// problem's text reaches the UI and the terminal: it must not carry a whole line of whatever file was read,
// nor escape sequences or bidi overrides that rewrite what the user sees.
import { describe, expect, it } from 'vitest';
import { EXCERPT_CHARS, escapeText, problem } from './problem.ts';

describe('problem', () => {
  it('quotes at most a short excerpt of the line', () => {
    const line = 'root:$6$saltsalt$' + 'x'.repeat(500);
    const p = problem('f.smi', 3, 1, 'not a SMILES', line);
    expect(EXCERPT_CHARS).toBeLessThanOrEqual(80);
    expect(p.text!.length).toBeLessThanOrEqual(EXCERPT_CHARS);
    expect(p.text!.endsWith('…')).toBe(true);
    expect(problem('f.smi', 3, 1, 'not a SMILES', 'CCO').text).toBe('CCO');
    expect(problem('f.smi', 3, 1, 'the file is empty').text).toBeNull();
  });

  it('escapes control characters and bidi overrides in the excerpt and in the reason', () => {
    const p = problem('f.smi', 1, 1, "not a SMILES: unexpected character '\u001b' in column 'a\u001b[2Jb'", 'C\u001b[31mC\u0007\u202eO\r\n\u0085');
    expect(p.text).toBe('C\\x1b[31mC\\x07\\u202eO\\r\\n\\x85');
    expect(p.reason).toBe("not a SMILES: unexpected character '\\x1b' in column 'a\\x1b[2Jb'");
    // an escape is never cut in half by the excerpt's end
    const cut = problem('f.smi', 1, 1, 'x', 'C'.repeat(EXCERPT_CHARS - 3) + '\u001b\u001b').text!;
    expect(cut).not.toMatch(/\\x?1?…$|\\…$/);
    expect(cut.length).toBeLessThanOrEqual(EXCERPT_CHARS);
  });

  it('keeps ordinary text as it is, tabs and non-Latin letters included', () => {
    expect(escapeText('CCO\tethanol – Ethanol αβ 乙醇')).toBe('CCO\tethanol – Ethanol αβ 乙醇');
  });

  it('bounds a reason that quotes a whole header', () => {
    const reason = `no column 'id' (columns: ${Array.from({ length: 200 }, (_, i) => `col${i}`).join(', ')})`;
    expect(problem('f.csv', 1, null, reason).reason.length).toBeLessThanOrEqual(300);
  });
});
