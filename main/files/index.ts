// main/files: reading molecule files (SMILES, CSV/TSV, SD; gzip by content), values tables, standardizing
// structures, and writing CSV, SD and SMILES files. Everything other folders need comes from here.
export { readMoleculeFile, DEFAULT_MAX_LENGTH } from './read.ts';
export { readValuesTable } from './values-table.ts';
export type { ValueRow, ValuesTableOptions } from './values-table.ts';
export { standardize, neutralizeSmiles } from './standardize.ts';
export type { Standardized, StandardizeOptions } from './standardize.ts';
export { createMoleculeWriter, formatForPath } from './writers.ts';
export type { MoleculeWriter, WritableMolecule, WriteFormat, WriterOptions } from './writers.ts';
export { collect } from './collect.ts';
export type { ReadItem, ReadOptions, SourceProblem, SourceRecord, UserValue } from './types.ts';
