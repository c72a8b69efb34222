import pg from 'pg';
import type { Logger } from 'pino';
import { LEASE_NAMESPACE, leaseKey } from './lease-key.js';
import type { JobLeases } from './types.js';

export interface PostgresLeaseOptions {
  url: string;
  logger: Logger;
  /** Shown in pg_stat_activity (which node holds which lease: pg_locks joined on pid). */
  applicationName?: string;
  /** How often the connection is checked while idle (default 2 s). */
  heartbeatMs?: number;
}

/**
 * Leases as PostgreSQL session advisory locks held on one dedicated connection per node. When the
 * node dies, the kernel closes its socket, the server ends the session and every lock it held is
 * free at once for the next node that asks. When the connection breaks while the node lives, the
 * node forgets every lease at once (it may no longer hold them) and reconnects on the next `hold`.
 */
export class PostgresLeases implements JobLeases {
  private client: pg.Client | undefined;
  private connecting: Promise<pg.Client> | undefined;
  private readonly held = new Set<string>();
  private readonly heartbeat: NodeJS.Timeout;
  /** One query at a time on the connection: pg queues them anyway, this keeps the order obvious. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly o: PostgresLeaseOptions) {
    this.heartbeat = setInterval(() => {
      if (this.held.size === 0 || !this.client) return;
      this.run((c) => c.query('SELECT 1')).catch(() => this.lost('heartbeat failed'));
    }, o.heartbeatMs ?? 2_000);
    this.heartbeat.unref();
  }

  async hold(job: string): Promise<boolean> {
    if (this.closed) return false;
    try {
      const key = leaseKey(job);
      if (this.held.has(job)) {
        // Confirm: the session holding it is still this connection's.
        const { rows } = await this.run((c) =>
          c.query<{ held: boolean }>(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND classid::int = $1 AND objid::int = $2 AND objsubid = 2 AND granted) AS held",
            [LEASE_NAMESPACE, key],
          ),
        );
        if (rows[0]?.held) return true;
        this.held.delete(job);
        return false;
      }
      const { rows } = await this.run((c) => c.query<{ taken: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS taken', [LEASE_NAMESPACE, key]));
      if (!rows[0]?.taken) return false;
      this.held.add(job);
      this.o.logger.info({ job }, 'lease taken');
      return true;
    } catch (error) {
      this.lost(error instanceof Error ? error.message : String(error));
      return false;
    }
  }

  async release(job: string): Promise<void> {
    if (!this.held.delete(job)) return;
    await this.run((c) => c.query('SELECT pg_advisory_unlock($1, $2)', [LEASE_NAMESPACE, leaseKey(job)])).catch(() => this.lost('release failed'));
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    this.held.clear();
    await this.queue.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    // Ending the session frees every lease it held.
    await client?.end().catch(() => undefined);
  }

  private run<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
    const next = this.queue.then(async () => work(await this.connection()));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async connection(): Promise<pg.Client> {
    if (this.client) return this.client;
    this.connecting ??= (async () => {
      const client = new pg.Client({ connectionString: this.o.url, application_name: this.o.applicationName ?? 'cairn-leases', keepAlive: true });
      // Only this client's own end counts: an old client ending late must not cost the new one its leases.
      client.on('error', (error) => {
        if (this.client === client) this.lost(error.message);
      });
      client.on('end', () => {
        if (this.client === client) this.lost('connection ended');
      });
      await client.connect();
      this.client = client;
      return client;
    })().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  /** The connection is gone or suspect: every lease is given up (the server frees them with the session). */
  private lost(reason: string): void {
    if (this.held.size > 0 && !this.closed) this.o.logger.warn({ reason, leases: [...this.held] }, 'lease connection lost; leases given up');
    this.held.clear();
    const client = this.client;
    this.client = undefined;
    client?.end().catch(() => undefined);
  }
}
