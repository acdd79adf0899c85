// What a call's argument schema lets a client send at most, read from the zod schema itself: every array and
// string must carry a maximum (so a hostile body is refused by the schema before any handler work), and the
// largest string bound tells how big a body the call may legitimately need (an upload's base64).
import type { z } from 'zod';

/** A place in a schema that is not bounded: 'args.smiles[]' and what is missing there. */
export interface Unbounded {
  path: string;
  kind: 'array' | 'string' | 'record' | 'unknown';
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  options?: z.ZodType[];
  items?: z.ZodType[];
  rest?: z.ZodType | null;
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  left?: z.ZodType;
  right?: z.ZodType;
  getter?: () => z.ZodType;
  checks?: { _zod: { def: { check: string; maximum?: number } } }[];
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

function maxOf(def: Def, check: 'max_length' | 'length_equals'): number | null {
  let max: number | null = null;
  for (const c of def.checks ?? []) {
    const d = c._zod.def as { check: string; maximum?: number; length?: number };
    if (d.check === 'max_length' && typeof d.maximum === 'number') max = Math.min(max ?? Infinity, d.maximum);
    if (check === 'max_length' && d.check === 'length_equals' && typeof d.length === 'number') max = Math.min(max ?? Infinity, d.length);
  }
  return max;
}

/**
 * Visit every sub-schema with its path (a visit returning false skips what is inside); `lazy` schemas are
 * entered once (recursive ones stop there).
 */
function walk(schema: z.ZodType, path: string, visit: (def: Def, path: string) => boolean | void, seen = new Set<z.ZodType>()): void {
  if (seen.has(schema)) return;
  seen.add(schema);
  const def = defOf(schema);
  if (visit(def, path) === false) return;
  const next = (s: z.ZodType | null | undefined, p: string) => {
    if (s) walk(s, p, visit, seen);
  };
  switch (def.type) {
    case 'object':
      for (const [k, v] of Object.entries(def.shape ?? {})) next(v, `${path}.${k}`);
      break;
    case 'array':
      next(def.element, `${path}[]`);
      break;
    case 'union':
      (def.options ?? []).forEach((o, i) => next(o, `${path}|${i}`));
      break;
    case 'intersection':
      next(def.left, path);
      next(def.right, path);
      break;
    case 'tuple':
      (def.items ?? []).forEach((o, i) => next(o, `${path}[${i}]`));
      next(def.rest, `${path}[...]`);
      break;
    case 'record':
      next(def.keyType, `${path}{key}`);
      next(def.valueType, `${path}{}`);
      break;
    case 'pipe':
      next(def.in, path);
      break;
    case 'lazy':
      next(def.getter?.(), path);
      break;
    default:
      // optional, nullable, default, readonly, catch, prefault, nonoptional: one inner schema
      next(def.innerType, path);
  }
}

/**
 * Every array and string in the schema without a maximum length, and every record or unknown value, unless a
 * refinement of its own bounds it (a record whose JSON size is checked).
 */
export function unboundedParts(schema: z.ZodType, root = 'args'): Unbounded[] {
  const out: Unbounded[] = [];
  walk(schema, root, (def, path) => {
    if (def.type === 'record' && (def.checks ?? []).some((c) => c._zod.def.check === 'custom')) return false;
    if (def.type === 'array' && maxOf(def, 'max_length') === null) out.push({ path, kind: 'array' });
    // a string whose every value is listed (z.enum, z.literal) is a different type; a plain string needs a max
    if (def.type === 'string' && maxOf(def, 'max_length') === null) out.push({ path, kind: 'string' });
    if (def.type === 'record') out.push({ path, kind: 'record' });
    if (def.type === 'unknown' || def.type === 'any') out.push({ path, kind: 'unknown' });
  });
  return out;
}

/** The largest string bound anywhere in the schema (0 when it holds no string). */
export function largestStringBound(schema: z.ZodType): number {
  let largest = 0;
  walk(schema, 'args', (def) => {
    if (def.type === 'string') largest = Math.max(largest, maxOf(def, 'max_length') ?? Infinity);
  });
  return largest;
}
