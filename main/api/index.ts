export * from './contract.ts';
export * from './validate.ts';
export * from './client.ts';
