import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';

/** Where a trail's delivery notifications go: an SNS topic at an SNS endpoint, or an HTTP webhook. */
export interface Notifier {
  /** Sends CloudTrail's message for one delivery; throws with the endpoint's error code on failure. */
  notify(topicArn: string, message: string): Promise<void>;
}

export class NotificationError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'NotificationError';
  }
}

/** CloudTrail's SNS message for a delivery: the bucket and every object key written. */
export function deliveryMessage(bucket: string, keys: readonly string[]): string {
  return JSON.stringify({ s3Bucket: bucket, s3ObjectKey: keys });
}

export class SnsNotifier implements Notifier {
  private readonly client: SNSClient;

  constructor(options: { endpoint: string; region: string }) {
    this.client = new SNSClient({ endpoint: options.endpoint, region: options.region, maxAttempts: 1 });
  }

  async notify(topicArn: string, message: string): Promise<void> {
    try {
      await this.client.send(new PublishCommand({ TopicArn: topicArn, Message: message }));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).name;
      throw new NotificationError(code, (error as Error).message);
    }
  }
}

/** POSTs the SNS-shaped message (`Type`, `TopicArn`, `Message`) as JSON to a URL. */
export class WebhookNotifier implements Notifier {
  constructor(private readonly url: string) {}

  async notify(topicArn: string, message: string): Promise<void> {
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ Type: 'Notification', TopicArn: topicArn, Message: message, Timestamp: new Date().toISOString() }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause;
      throw new NotificationError(cause?.code ?? (error as Error).name, (error as Error).message);
    }
    if (!response.ok) throw new NotificationError(`HTTP${response.status}`, `webhook answered ${response.status}`);
  }
}
