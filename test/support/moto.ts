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
  ) {}

  /**
   * `env` adds variables for moto (e.g. INITIAL_NO_AUTH_ACTION_COUNT to enforce IAM after N calls);
   * `port` restarts a stopped server where clients already point (its state starts empty).
   */
  static async start(options: { env?: Record<string, string>; port?: number } = {}): Promise<MotoServer> {
    for (let attempt = 1; ; attempt++) {
      const port = options.port ?? (await freePort());
      try {
        return await MotoServer.launch(port, options.env);
      } catch (error) {
        // A port found free can be taken by another test's server before moto binds it: try another.
        const taken = error instanceof Error && /address already in use/i.test(error.message);
        if (!taken || options.port !== undefined || attempt >= 5) throw error;
      }
    }
  }

  private static async launch(port: number, env: Record<string, string> = {}): Promise<MotoServer> {
    const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let output = '';
    const url = `http://127.0.0.1:${port}`;
    // Ready when this child says it is serving: a request alone could be answered by another server on the port.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`moto_server did not start on ${url}: ${output}`));
      }, 30_000);
      // Read to the end (a full pipe would stall moto), but only kept and scanned until it serves.
      let serving = false;
      const onData = (chunk: Buffer): void => {
        if (serving) return;
        output += chunk.toString();
        if (output.includes(`Running on ${url}`)) {
          serving = true;
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`moto_server exited with ${code}: ${output}`));
      });
    });
    return new MotoServer(url, port, child);
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
