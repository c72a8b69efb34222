import { DecryptCommand, DescribeKeyCommand, GenerateDataKeyCommand, KMSClient, NotFoundException } from '@aws-sdk/client-kms';

/** Data keys for envelope encryption, and key checks for CreateTrail: a KMS API endpoint. */
export interface KeyService {
  /** 'missing' and 'disabled' are what CreateTrail reports as KmsKeyNotFound / KmsKeyDisabled. */
  keyState(keyId: string): Promise<'enabled' | 'disabled' | 'missing'>;
  generateDataKey(keyId: string): Promise<{ plaintext: Buffer; wrapped: Buffer }>;
  decryptDataKey(wrapped: Buffer, keyId: string): Promise<Buffer>;
}

export class KmsKeyService implements KeyService {
  private readonly client: KMSClient;

  constructor(options: { endpoint: string; region: string }) {
    this.client = new KMSClient({ endpoint: options.endpoint, region: options.region });
  }

  async keyState(keyId: string): Promise<'enabled' | 'disabled' | 'missing'> {
    try {
      const key = await this.client.send(new DescribeKeyCommand({ KeyId: keyId }));
      return key.KeyMetadata?.Enabled === false ? 'disabled' : 'enabled';
    } catch (error) {
      if (error instanceof NotFoundException) return 'missing';
      throw error;
    }
  }

  async generateDataKey(keyId: string): Promise<{ plaintext: Buffer; wrapped: Buffer }> {
    const key = await this.client.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256' }));
    return { plaintext: Buffer.from(key.Plaintext!), wrapped: Buffer.from(key.CiphertextBlob!) };
  }

  async decryptDataKey(wrapped: Buffer, keyId: string): Promise<Buffer> {
    const key = await this.client.send(new DecryptCommand({ CiphertextBlob: wrapped, KeyId: keyId }));
    return Buffer.from(key.Plaintext!);
  }
}
