// The shipped binary SA table holds exactly the published JSON's contributions (every one of ~705,000 ids,
// and the default for an unknown fragment); a truncated or foreign file is refused.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { chemDataPath } from './resources.ts';
import { contribution, decodeSaTable, encodeSaTable } from './sa-table.ts';
import type { SaFragmentJson } from './sa-table.ts';

const published = JSON.parse(gunzipSync(readFileSync(path.resolve(import.meta.dirname, '../../../shared/chem-data/sa-fragment-contributions.json.gz'))).toString('utf8')) as SaFragmentJson;

describe('SA fragment table', () => {
  it('the shipped table gives the published contribution for every fragment, and the default for others', () => {
    const t = decodeSaTable(gunzipSync(readFileSync(chemDataPath('sa-fragment-contributions.bin.gz'))));
    const entries = Object.entries(published.fragment_contributions);
    expect(t.ids.length).toBe(entries.length);
    for (const [id, v] of entries) if (contribution(t, Number(id)) !== v) expect.fail(`fragment ${id}: ${contribution(t, Number(id))}, published ${v}`);
    expect(t.unknown).toBe(published.default_contribution_for_unknown_fragment);
    const known = new Set(entries.map(([id]) => Number(id)));
    for (const id of [0, 1, 12345, 0xffffffff]) if (!known.has(id)) expect(contribution(t, id)).toBe(published.default_contribution_for_unknown_fragment);
  });

  it('round-trips a small table and refuses truncated or foreign bytes', () => {
    const doc = { default_contribution_for_unknown_fragment: -4, fragment_contributions: { '7': 1.5, '3': -0.25, '4294967295': 1.5 } };
    const bin = encodeSaTable(doc);
    const t = decodeSaTable(bin);
    expect([contribution(t, 3), contribution(t, 7), contribution(t, 4294967295), contribution(t, 5)]).toEqual([-0.25, 1.5, 1.5, -4]);
    expect(() => decodeSaTable(bin.subarray(0, bin.length - 1))).toThrow(/truncated or corrupt/);
    expect(() => decodeSaTable(Buffer.from('{"fragment_contributions":{}}'))).toThrow(/Not an SA fragment table/);
  });
});
