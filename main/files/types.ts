// What every reader in main/files yields: records in file order, and problems with where and why.
// Readers stream (constant memory) and never throw on bad content: they report it and go on.

export type UserValue = string | number | boolean | null;

export interface SourceRecord {
  kind: 'record';
  /** 1-based line of the record in the file (SD files: the record's first line). */
  line: number;
  /** 1-based record number (data rows for CSV, records for SD, non-comment lines for SMILES files). */
  record: number;
  /** The structure as written: a SMILES, or for SD files the molblock. */
  structure: string;
  format: 'smiles' | 'molblock';
  name: string | null;
  /** Every other column or data field, typed (numbers as numbers). */
  userProps: Record<string, UserValue>;
}

export interface SourceProblem {
  kind: 'problem';
  file: string;
  line: number;
  record: number | null;
  reason: string;
  /** The offending text, cut to at most 200 characters. */
  text: string | null;
  /**
   * 'error' (absent): the record was not imported; 'warning': imported, but something in the file is off (a
   * line in another encoding, a gzip checksum); 'info': imported and changed or merged (a salt stripped, a
   * duplicate merged), listed so that nothing changes silently.
   */
  severity?: Severity;
  /** Byte offset of the offending line in the (decompressed) content, where the reader knows it. */
  offset?: number;
  /** Set on the one problem that stands for problems not listed (beyond a file's limit): how many. */
  more?: number;
}

export type Severity = 'error' | 'warning' | 'info';

export type ReadItem = SourceRecord | SourceProblem;

export interface ReadOptions {
  /** File name as the user knows it (for messages), when reading bytes rather than a path. */
  fileName?: string;
  /** Longest structure accepted, in characters (default 1000 for SMILES). */
  maxLength?: number;
  /** Read as this format whatever the name and content say (default: by extension, then by content). */
  format?: 'smiles' | 'csv' | 'sdf';
  /** CSV delimiter, overriding detection (one character: ',', '\t', ';', '|'). */
  delimiter?: string;
}
