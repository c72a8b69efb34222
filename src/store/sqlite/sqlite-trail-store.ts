import type Database from 'better-sqlite3';
import type { DeliveryState, SigningKey, TrailConfig, TrailStatus } from '../../trails/index.js';
import type { StoredTrail, TrailStore } from '../types.js';
import { applyPatch, toSigningKey, toTrail } from '../trail-rows.js';
import type { KeyRow, TrailRow } from '../trail-rows.js';


export class SqliteTrailStore implements TrailStore {
  private readonly patch: (id: number, patch: Partial<TrailStatus>) => TrailStatus;

  constructor(private readonly db: Database.Database) {
    this.patch = db.transaction((id: number, patch: Partial<TrailStatus>) => {
      const row = db.prepare<[number], { status: string }>('SELECT status FROM trails WHERE id = ?').get(id);
      if (!row) throw new Error(`trail ${id} does not exist`);
      const next = applyPatch(JSON.parse(row.status) as TrailStatus, patch);
      db.prepare('UPDATE trails SET status = ? WHERE id = ?').run(JSON.stringify(next), id);
      return next;
    });
  }

  list(): Promise<StoredTrail[]> {
    return Promise.resolve(this.db.prepare<[], TrailRow>('SELECT id, config, status, deleted_at FROM trails WHERE deleted_at IS NULL ORDER BY id').all().map(toTrail));
  }

  listDeleted(): Promise<StoredTrail[]> {
    return Promise.resolve(this.db.prepare<[], TrailRow>('SELECT id, config, status, deleted_at FROM trails WHERE deleted_at IS NOT NULL ORDER BY id').all().map(toTrail));
  }

  getByArn(arn: string): Promise<StoredTrail | undefined> {
    const row = this.db.prepare<[string], TrailRow>('SELECT id, config, status, deleted_at FROM trails WHERE arn = ? AND deleted_at IS NULL').get(arn);
    return Promise.resolve(row && toTrail(row));
  }

  create(config: TrailConfig, status: TrailStatus): Promise<StoredTrail | undefined> {
    const result = this.db
      .prepare('INSERT OR IGNORE INTO trails (arn, config, status) VALUES (?, ?, ?)')
      .run(config.arn, JSON.stringify(config), JSON.stringify(status));
    if (result.changes === 0) return Promise.resolve(undefined);
    return Promise.resolve({ id: Number(result.lastInsertRowid), config, status });
  }

  putConfig(id: number, config: TrailConfig): Promise<void> {
    this.db.prepare('UPDATE trails SET config = ? WHERE id = ?').run(JSON.stringify(config), id);
    return Promise.resolve();
  }

  patchStatus(id: number, patch: Partial<TrailStatus>): Promise<TrailStatus> {
    return Promise.resolve(this.patch(id, patch));
  }

  markDeleted(id: number, at: number, patch: Partial<TrailStatus>): Promise<void> {
    this.db.transaction(() => {
      this.patch(id, patch);
      this.db.prepare('UPDATE trails SET deleted_at = ? WHERE id = ?').run(at, id);
    })();
    return Promise.resolve();
  }

  purge(id: number): Promise<void> {
    this.db.prepare('DELETE FROM trails WHERE id = ? AND deleted_at IS NOT NULL').run(id);
    return Promise.resolve();
  }

  getDelivery(id: number): Promise<DeliveryState | undefined> {
    const text = this.db.prepare<[number], string | null>('SELECT delivery FROM trails WHERE id = ?').pluck().get(id);
    return Promise.resolve(text ? (JSON.parse(text) as DeliveryState) : undefined);
  }

  putDelivery(id: number, state: DeliveryState, patch?: Partial<TrailStatus>): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare('UPDATE trails SET delivery = ? WHERE id = ?').run(JSON.stringify(state), id);
      if (patch) this.patch(id, patch);
    })();
    return Promise.resolve();
  }

  signingKeys(region: string): Promise<SigningKey[]> {
    const rows = this.db.prepare<[string], KeyRow>('SELECT * FROM trail_signing_keys WHERE region = ? ORDER BY valid_from').all(region);
    return Promise.resolve(rows.map(toSigningKey));
  }

  addSigningKey(key: SigningKey): Promise<void> {
    this.db
      .prepare('INSERT OR IGNORE INTO trail_signing_keys (region, fingerprint, public_key, private_key, valid_from, valid_to) VALUES (?,?,?,?,?,?)')
      .run(key.region, key.fingerprint, key.publicKeyDer, key.privateKeyPem, key.validFrom, key.validTo ?? null);
    return Promise.resolve();
  }
}
