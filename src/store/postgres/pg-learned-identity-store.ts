import type pg from 'pg';
import type { UserIdentity } from '../../records/index.js';
import type { LearnedIdentityStore } from '../types.js';

export class PostgresLearnedIdentityStore implements LearnedIdentityStore {
  constructor(private readonly pool: pg.Pool) {}

  async get(accessKeyId: string): Promise<UserIdentity | undefined> {
    const { rows } = await this.pool.query<{ identity: string }>({ name: 'learned-by-key', text: 'SELECT identity FROM learned_identities WHERE access_key_id = $1', values: [accessKeyId] });
    return rows[0] ? (JSON.parse(rows[0].identity) as UserIdentity) : undefined;
  }

  async put(accessKeyId: string, identity: UserIdentity, learnedAt: number): Promise<void> {
    await this.pool.query(
      'INSERT INTO learned_identities (access_key_id, identity, learned_at) VALUES ($1, $2, $3) ON CONFLICT (access_key_id) DO UPDATE SET identity = EXCLUDED.identity, learned_at = EXCLUDED.learned_at',
      [accessKeyId, JSON.stringify(identity), learnedAt],
    );
  }
}
