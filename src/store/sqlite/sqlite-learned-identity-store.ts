import type Database from 'better-sqlite3';
import type { UserIdentity } from '../../records/index.js';
import type { LearnedIdentityStore } from '../types.js';

export class SqliteLearnedIdentityStore implements LearnedIdentityStore {
  /** Every forwarded call looks its key up: prepared once. */
  private readonly byKey;
  private readonly upsert;

  constructor(db: Database.Database) {
    this.byKey = db.prepare<[string], string>('SELECT identity FROM learned_identities WHERE access_key_id = ?').pluck();
    this.upsert = db.prepare('INSERT OR REPLACE INTO learned_identities (access_key_id, identity, learned_at) VALUES (?, ?, ?)');
  }

  get(accessKeyId: string): Promise<UserIdentity | undefined> {
    const text = this.byKey.get(accessKeyId);
    return Promise.resolve(text === undefined ? undefined : (JSON.parse(text) as UserIdentity));
  }

  put(accessKeyId: string, identity: UserIdentity, learnedAt: number): Promise<void> {
    this.upsert.run(accessKeyId, JSON.stringify(identity), learnedAt);
    return Promise.resolve();
  }
}
