// A File's bytes as base64, for uploads in browser mode. FileReader's data URL does the encoding natively
// (fast even for hundreds of MB), then the "data:...;base64," prefix is dropped.
export function fileToBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('Could not read the file.'));
    reader.readAsDataURL(file);
  });
}

/** Extensions the importer understands (gzip of any of them too). */
export const importableExtensions = ['.smi', '.smiles', '.txt', '.csv', '.tsv', '.sdf', '.sd', '.mol', '.gz'];

export function isImportable(fileName: string): boolean {
  const lower = fileName.toLowerCase();
  return importableExtensions.some((ext) => lower.endsWith(ext));
}
