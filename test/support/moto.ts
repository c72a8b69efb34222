import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** A free loopback TCP port (closed again before it is returned). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * A real `moto_server` (S3, KMS, SNS, IAM, STS, EC2 ...) on a free loopback port, for tests that
 * need an AWS-compatible upstream or bucket store. Stopped by its own process id.
 */
export class MotoServer {
  private constructor(
    readonly url: string,
    readonly port: number,
    private readonly child: ChildProcess,
    private output: string,
  ) {}

  /**
   * `env` adds variables for moto (e.g. INITIAL_NO_AUTH_ACTION_COUNT to enforce IAM after N calls);
   * `port` restarts a stopped server where clients already point (its state starts empty).
   */
  static async start(options: { env?: Record<string, string>; port?: number } = {}): Promise<MotoServer> {
    const port = options.port ?? (await freePort());
    const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
    let output = '';
    child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    const url = `http://127.0.0.1:${port}`;
    const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`moto_server exited with ${code}: ${output}`))));
    const deadline = Date.now() + 30_000;
    for (;;) {
      const ready = await Promise.race([fetch(`${url}/moto-api/`).then((r) => r.ok, () => false), exited]);
      if (ready) break;
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`moto_server did not start on ${url}: ${output}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return new MotoServer(url, port, child, output);
  }

  /** Forgets every resource moto holds (between tests that share one server). */
  async reset(): Promise<void> {
    const response = await fetch(`${this.url}/moto-api/reset`, { method: 'POST' });
    if (!response.ok) throw new Error(`moto reset failed: ${response.status}`);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}
