// One way to build a SourceProblem, so every reader cuts the offending text the same way.
import type { SourceProblem, UserValue } from './types.ts';

const MAX_TEXT = 200;

export function problem(file: string, line: number, record: number | null, reason: string, text?: string | null): SourceProblem {
  return { kind: 'problem', file, line, record, reason, text: text == null ? null : clip(text) };
}

export function clip(text: string, max = MAX_TEXT): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** A cell as a user property: numbers as numbers, empty as null, everything else the trimmed text. */
export function typedValue(raw: string): UserValue {
  const text = raw.trim();
  if (text === '') return null;
  if (NUMBER.test(text)) {
    const value = Number(text);
    // Keep leading-zero codes ("007") and numbers beyond double precision as text: they are identifiers.
    if (Number.isFinite(value) && !/^[-+]?0\d/.test(text) && (Number.isSafeInteger(value) || text.includes('.') || /e/i.test(text)))
      return value;
  }
  return text;
}

/** Control characters other than tab (C0, DEL, C1): a sign of binary garbage in a text line. */
export function controlCharacter(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || (c >= 0x7f && c <= 0x9f) || c === 0xfffd) return i;
  }
  return -1;
}
