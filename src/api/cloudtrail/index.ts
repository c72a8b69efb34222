export { metadata, operations, shapes } from './model.generated.js';
export type { OperationName } from './model.generated.js';
