// Writes resources/chem-data/sa-fragment-contributions.bin.gz (sa-table.ts) from the published JSON.
//   node --import tsx main/chem/build-sa-table.ts [SOURCE.json.gz] [OUT.bin.gz]
// SOURCE defaults to ../shared/chem-data/sa-fragment-contributions.json.gz beside the repository.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { chemDataPath } from './resources.ts';
import { encodeSaTable } from './sa-table.ts';
import type { SaFragmentJson } from './sa-table.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const source = process.argv[2] ?? path.join(root, '..', 'shared', 'chem-data', 'sa-fragment-contributions.json.gz');
const out = process.argv[3] ?? chemDataPath('sa-fragment-contributions.bin.gz');
const doc = JSON.parse(gunzipSync(readFileSync(source)).toString('utf8')) as SaFragmentJson;
const bin = encodeSaTable(doc);
const gz = gzipSync(bin, { level: 9 });
writeFileSync(out, gz);
console.log(`${out}: ${Object.keys(doc.fragment_contributions).length} fragments, ${bin.length} bytes (gzipped ${gz.length})`);
