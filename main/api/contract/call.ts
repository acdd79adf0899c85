// The shape of one entry of the contract's call table: its arguments' schema, its result's schema, and what it does.
import type { z } from 'zod';

export const call = <A extends z.ZodType, R extends z.ZodType>(args: A, result: R, doc: string) => ({ args, result, doc });
