// One way to build a SourceProblem, so every reader cuts the offending text the same way.
import type { Severity, SourceProblem, UserValue } from './types.ts';

/**
 * How much of a line a problem quotes: enough to find the line, never the line itself. A problem's text goes
 * back to whoever asked for the import (a page in browser mode, the terminal), so a file read by mistake or on
 * purpose is not handed back line by line (issue 18, item 3).
 */
export const EXCERPT_CHARS = 80;
/** Reasons may quote a header or a cell; bounded too. */
const REASON_CHARS = 300;

export function problem(file: string, line: number, record: number | null, reason: string, text?: string | null, severity?: Severity): SourceProblem {
  const p: SourceProblem = { kind: 'problem', file, line, record, reason: clip(reason, REASON_CHARS), text: text == null ? null : clip(text, EXCERPT_CHARS) };
  if (severity && severity !== 'error') p.severity = severity;
  return p;
}

/** Reasons of problems that mean binary data where text belongs: consecutive ones are reported as one run. */
export const BINARY_REASON = /^(binary or control character|line too long|row too long|record too large)/;

/**
 * Control characters (C0 but tab, DEL, C1), line separators and bidi controls written as escapes (\n, \x1b,
 * \u202e): they would move a terminal's cursor, change its colours or make a line read backwards.
 */
function escapePieces(text: string): string[] {
  const pieces: string[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c === 0x0a) pieces.push('\\n');
    else if (c === 0x0d) pieces.push('\\r');
    else if ((c < 0x20 && c !== 0x09) || (c >= 0x7f && c <= 0x9f)) pieces.push(`\\x${c.toString(16).padStart(2, '0')}`);
    else if (c === 0x200e || c === 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c === 0x2028 || c === 0x2029) pieces.push(`\\u${c.toString(16)}`);
    else pieces.push(ch);
  }
  return pieces;
}

export function escapeText(text: string): string {
  return escapePieces(text).join('');
}

/** The text escaped, then cut to at most `max` characters with '…', never inside an escape. */
export function clip(text: string, max = EXCERPT_CHARS): string {
  const pieces = escapePieces(text);
  let length = 0;
  for (const p of pieces) length += p.length;
  if (length <= max) return pieces.join('');
  let out = '';
  for (const p of pieces) {
    if (out.length + p.length > max - 1) break;
    out += p;
  }
  return `${out}…`;
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
