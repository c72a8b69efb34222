import type pg from 'pg';
import type { DeliveryState, SigningKey, TrailConfig, TrailStatus } from '../../trails/index.js';
import type { StoredTrail, TrailStore } from '../types.js';
import { applyPatch, toSigningKey, toTrail } from '../trail-rows.js';
import type { KeyRow, TrailRow } from '../trail-rows.js';
import { inTransaction } from './pg-event-store.js';


/** Status patches lock the row (SELECT ... FOR UPDATE): nodes and the API never lose each other's fields. */
async function patchIn(client: pg.PoolClient, id: number, patch: Partial<TrailStatus>): Promise<TrailStatus> {
  const { rows } = await client.query<{ status: string }>('SELECT status FROM trails WHERE id = $1 FOR UPDATE', [id]);
  if (!rows[0]) throw new Error(`trail ${id} does not exist`);
  const next = applyPatch(JSON.parse(rows[0].status) as TrailStatus, patch);
  await client.query('UPDATE trails SET status = $1 WHERE id = $2', [JSON.stringify(next), id]);
  return next;
}

export class PostgresTrailStore implements TrailStore {
  constructor(private readonly pool: pg.Pool) {}

  async list(): Promise<StoredTrail[]> {
    const { rows } = await this.pool.query<TrailRow>('SELECT id, config, status, deleted_at FROM trails WHERE deleted_at IS NULL ORDER BY id');
    return rows.map(toTrail);
  }

  async listDeleted(): Promise<StoredTrail[]> {
    const { rows } = await this.pool.query<TrailRow>('SELECT id, config, status, deleted_at FROM trails WHERE deleted_at IS NOT NULL ORDER BY id');
    return rows.map(toTrail);
  }

  async getByArn(arn: string): Promise<StoredTrail | undefined> {
    const { rows } = await this.pool.query<TrailRow>('SELECT id, config, status, deleted_at FROM trails WHERE arn = $1 AND deleted_at IS NULL', [arn]);
    return rows[0] && toTrail(rows[0]);
  }

  async create(config: TrailConfig, status: TrailStatus): Promise<StoredTrail | undefined> {
    const { rows } = await this.pool.query<{ id: number }>(
      'INSERT INTO trails (arn, config, status) VALUES ($1, $2, $3) ON CONFLICT (arn) WHERE deleted_at IS NULL DO NOTHING RETURNING id',
      [config.arn, JSON.stringify(config), JSON.stringify(status)],
    );
    return rows[0] ? { id: rows[0].id, config, status } : undefined;
  }

  async putConfig(id: number, config: TrailConfig): Promise<void> {
    await this.pool.query('UPDATE trails SET config = $1 WHERE id = $2', [JSON.stringify(config), id]);
  }

  patchStatus(id: number, patch: Partial<TrailStatus>): Promise<TrailStatus> {
    return inTransaction(this.pool, (client) => patchIn(client, id, patch));
  }

  async markDeleted(id: number, at: number, patch: Partial<TrailStatus>): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await patchIn(client, id, patch);
      await client.query('UPDATE trails SET deleted_at = $1 WHERE id = $2', [at, id]);
    });
  }

  async purge(id: number): Promise<void> {
    await this.pool.query('DELETE FROM trails WHERE id = $1 AND deleted_at IS NOT NULL', [id]);
  }

  async getDelivery(id: number): Promise<DeliveryState | undefined> {
    const { rows } = await this.pool.query<{ delivery: string | null }>('SELECT delivery FROM trails WHERE id = $1', [id]);
    const text = rows[0]?.delivery;
    return text ? (JSON.parse(text) as DeliveryState) : undefined;
  }

  async putDelivery(id: number, state: DeliveryState, patch?: Partial<TrailStatus>): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query('UPDATE trails SET delivery = $1 WHERE id = $2', [JSON.stringify(state), id]);
      if (patch) await patchIn(client, id, patch);
    });
  }

  async signingKeys(region: string): Promise<SigningKey[]> {
    const { rows } = await this.pool.query<KeyRow>('SELECT * FROM trail_signing_keys WHERE region = $1 ORDER BY valid_from, fingerprint', [region]);
    return rows.map(toSigningKey);
  }

  async addSigningKey(key: SigningKey): Promise<void> {
    await this.pool.query(
      'INSERT INTO trail_signing_keys (region, fingerprint, public_key, private_key, valid_from, valid_to) VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT DO NOTHING',
      [key.region, key.fingerprint, key.publicKeyDer, key.privateKeyPem, key.validFrom, key.validTo ?? null],
    );
  }
}
