// Text from outside (file names, molecule names, the lines of a file, RDKit's messages quoting them) goes
// to a terminal: a control character in it would be obeyed there (an escape sequence can clear the screen,
// retitle the window, hide what follows, or on some terminals answer back into the input). Every such
// character is shown as an escape instead: C0 controls, DEL, C1 controls, and the bidirectional overrides
// that reorder what is shown. Backslashes are left as they are (SMILES use them for bonds).
// eslint-disable-next-line no-control-regex -- control characters are what this finds
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => {
    const code = c.charCodeAt(0);
    return NAMED[c] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
  });
}
