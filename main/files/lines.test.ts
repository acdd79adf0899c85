// splitLines against a plain split of the whole text, with the bytes cut into chunks at every kind of place
// (inside a \r\n, inside a multi-byte character), and with lines over the size limit.
import { describe, expect, it } from 'vitest';
import { splitLines } from './lines.ts';

async function* chunked(bytes: Buffer, sizes: number[]): AsyncGenerator<Buffer> {
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length];
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

async function lines(bytes: Buffer, sizes: number[], maxBytes?: number) {
  const out = [];
  for await (const line of splitLines(chunked(bytes, sizes), maxBytes)) out.push(line);
  return out;
}

describe('splitLines', () => {
  const text = '\ufeffCCO é\r\nline two\n\nCRLF\r\n\r\nold mac\rlast without newline';
  const expected = text.slice(1).split(/\r\n|\r|\n/);

  it('gives the same lines whatever the chunking, with 1-based numbers and no BOM', async () => {
    const bytes = Buffer.from(text);
    for (const sizes of [[bytes.length], [1], [2, 3], [5, 1, 7], [4]]) {
      const got = await lines(bytes, sizes);
      expect(got.map((l) => l.text), `chunks of ${sizes}`).toEqual(expected);
      expect(got.map((l) => l.line)).toEqual(expected.map((_, i) => i + 1));
      expect(got.every((l) => !l.cut)).toBe(true);
    }
  });

  it('cuts a line over the limit, flags it, counts its bytes, and carries on with the next', async () => {
    const long = 'C'.repeat(5000);
    const got = await lines(Buffer.from(`a\n${long}\nb\n`), [333], 100);
    expect(got.map((l) => [l.line, l.text.length, l.cut, l.bytes])).toEqual([
      [1, 1, false, 1],
      [2, 100, true, 5000],
      [3, 1, false, 1],
    ]);
  });

  it('yields nothing for empty input and one line for text without a newline', async () => {
    expect(await lines(Buffer.alloc(0), [1])).toEqual([]);
    expect((await lines(Buffer.from('x'), [1])).map((l) => l.text)).toEqual(['x']);
  });
});

describe('encodings', () => {
  it('reads a Windows-1252 line (an accented name from Excel) without replacement characters', async () => {
    const bytes = Buffer.concat([Buffer.from('CCO caf'), Buffer.from([0xe9]), Buffer.from('\nCCN na\u00efve\n')]);
    const got = await lines(bytes, [4]);
    expect(got.map((l) => l.text)).toEqual(['CCO caf\u00e9', 'CCN na\u00efve']);
  });
});
