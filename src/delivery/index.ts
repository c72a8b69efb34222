export { DeliveryWorker } from './delivery-worker.js';
export type { DeliveryOptions } from './delivery-worker.js';
