export { DeliveryWorker } from './delivery-worker.js';
export type { DeliveryOptions } from './delivery-worker.js';
export { deliveryMessage, NotificationError, SnsNotifier, WebhookNotifier } from './notifier.js';
export type { Notifier } from './notifier.js';
