// Saving text the core produced (an export) as a file the browser downloads: a Blob URL on a temporary link.
// The page's CSP needs nothing for this (a download is a navigation of a blob: URL, not a fetch or an image).
export function downloadBytes(fileName: string, content: Uint8Array<ArrayBuffer>, mimeType: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: mimeType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // The click has started the download by now; a short wait is kept for browsers that read the URL late.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The bytes of base64 text (what the core sends a file's content as). */
export function fromBase64(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** A name safe on every file system, from a collection name: letters, digits, dot, dash and underscore. */
export function safeFileName(name: string, extension: string): string {
  const base = name.replace(/[^\w.-]+/g, '_').replace(/^[._]+|_+$/g, '').slice(0, 120) || 'molecules';
  return `${base}.${extension}`;
}
