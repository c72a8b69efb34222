import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './moto.js';
import { requireProgram } from './programs.js';

/** Debian keeps the server programs here; they are not always on PATH. */
const DEBIAN_BIN = ['/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin'];

function findProgram(name: string): string {
  if (spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0) return name;
  for (const dir of DEBIAN_BIN) if (existsSync(join(dir, name))) return join(dir, name);
  return name;
}

/**
 * Whether PostgreSQL's server programs are here: false when they are, else the reason to skip
 * (and a failure under CAIRN_REQUIRE_ALL=1).
 */
export function requirePostgres(): string | false {
  return requireProgram(findProgram('initdb')) || requireProgram(findProgram('pg_ctl'));
}

/**
 * initdb refuses to run as root: as root, the server runs as an unprivileged system user
 * (`postgres` when the Debian package made one, else `nobody`).
 */
function serverUser(): { name: string; uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    const id = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
    if (id.status === 0 && gid.status === 0) return { name, uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
  }
  throw new Error('running as root and no unprivileged user (postgres, nobody) to run PostgreSQL as');
}

/**
 * A real PostgreSQL server for tests: `initdb` into a temporary directory, `pg_ctl start` on a free
 * loopback port (trust authentication, loopback only), stopped by its postmaster's process id.
 */
export class PostgresServer {
  private databases = 0;

  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly pid: number,
  ) {}

  /** `durable: false` turns fsync off: for store tests, never for benchmarks. */
  static async start(options: { durable?: boolean; maxConnections?: number } = {}): Promise<PostgresServer> {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-pg-'));
    const user = serverUser();
    if (user) chownSync(dir, user.uid, user.gid);
    const run = (program: string, args: string[]): void => {
      const command = user ? 'runuser' : findProgram(program);
      const argv = user ? ['-u', user.name, '--', findProgram(program), ...args] : args;
      execFileSync(command, argv, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
    };
    const data = join(dir, 'data');
    run('initdb', ['-D', data, '-U', 'cairn', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '--no-sync']);
    const port = await freePort();
    const settings = [
      `-p ${port}`,
      "-c listen_addresses=127.0.0.1",
      `-c unix_socket_directories=${dir}`,
      `-c max_connections=${options.maxConnections ?? 200}`,
      '-c shared_buffers=128MB',
      ...(options.durable === false ? ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off'] : []),
    ].join(' ');
    run('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', settings, '-w', '-t', '60', 'start']);
    const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const server = new PostgresServer(dir, port, pid);
    await server.query('postgres', 'SELECT 1');
    return server;
  }

  url(database = 'postgres'): string {
    return `postgres://cairn@127.0.0.1:${this.port}/${database}`;
  }

  /** A fresh, empty database; its URL. */
  async createDatabase(prefix = 'cairn'): Promise<string> {
    this.databases += 1;
    const name = `${prefix}_${process.pid}_${this.databases}`;
    await this.query('postgres', `CREATE DATABASE ${name}`);
    return this.url(name);
  }

  async query(database: string, sql: string): Promise<pg.QueryResult> {
    const client = new pg.Client({ connectionString: this.url(database) });
    await client.connect();
    try {
      return await client.query(sql);
    } finally {
      await client.end();
    }
  }

  /** Fast shutdown by the postmaster's pid (SIGINT), then the directory goes. */
  async stop(): Promise<void> {
    try {
      process.kill(this.pid, 'SIGINT');
      const deadline = Date.now() + 30_000;
      while (isAlive(this.pid)) {
        if (Date.now() > deadline) process.kill(this.pid, 'SIGKILL');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
