// The property definitions live in main/api (the renderer needs them too); main/chem re-exports them.
export { PROPERTY_DEFS, PROPERTY_KEYS } from '../api/properties.ts';
export type { PropertyDef } from '../api/properties.ts';
