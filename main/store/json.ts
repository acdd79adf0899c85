// JSON columns: parsed leniently, so one damaged cell shows as empty instead of failing a whole page.
export function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (text == null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** null for an empty object, to keep 250k rows of `{}` out of the file. */
export function jsonOrNull(value: Record<string, unknown> | null | undefined): string | null {
  return value && Object.keys(value).length ? JSON.stringify(value) : null;
}
