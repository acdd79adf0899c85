// The contract's rule for a trained model's name (ModelName in main/api/contract.ts), checked here without
// pulling zod into the page (zod probes `new Function`, which the page's Content-Security-Policy refuses);
// model-name.test.ts holds the two to the same answers.

/** Why a name cannot be a model's name, or null when it can. */
export function modelNameProblem(name: string): string | null {
  if (name.length < 1) return 'Give the model a name.';
  if (name.length > 80) return 'A model name is at most 80 characters.';
  if (!/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/.test(name)) return 'a model name is letters, digits, spaces, dots, dashes and underscores, starting with a letter or digit';
  if (name.includes('..') || name.endsWith('.run')) return 'a model name cannot hold ".." or end in ".run"';
  return null;
}
