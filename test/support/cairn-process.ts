import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const CLI = join(ROOT, 'dist', 'cli', 'main.js');

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** A `cairn serve` child process on a free loopback port, with its own data directory. */
export class CairnProcess {
  url = '';
  output = '';
  private child: ChildProcess | undefined;

  private constructor(
    readonly dataDir: string,
    private readonly args: string[],
    private readonly env: Record<string, string> = {},
  ) {}

  static async start(
    args: string[] = [],
    dataDir = mkdtempSync(join(tmpdir(), 'cairn-test-')),
    env: Record<string, string> = {},
  ): Promise<CairnProcess> {
    const cairn = new CairnProcess(dataDir, args, env);
    await cairn.spawn();
    return cairn;
  }

  /** The admin key created on first start. */
  adminCredentials(): Credentials {
    const text = readFileSync(join(this.dataDir, 'admin-key.env'), 'utf8');
    const read = (name: string): string => {
      const value = new RegExp(`^export ${name}=(.*)$`, 'm').exec(text)?.[1];
      if (!value) throw new Error(`${name} missing from admin-key.env`);
      return value;
    };
    return { accessKeyId: read('AWS_ACCESS_KEY_ID'), secretAccessKey: read('AWS_SECRET_ACCESS_KEY') };
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async spawn(): Promise<void> {
    const child = spawn(process.execPath, [CLI, 'serve', '--data-dir', this.dataDir, '--port', '0', ...this.args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...this.env },
    });
    this.child = child;
    this.output = '';
    this.url = await new Promise<string>((resolveUrl, reject) => {
      const onData = (chunk: Buffer): void => {
        this.output += chunk.toString();
        const match = /listening on (https?:\/\/[^\s]+)/.exec(this.output);
        if (match?.[1]) resolveUrl(match[1]);
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
      child.once('exit', (code) => reject(new Error(`cairn serve exited with ${code}: ${this.output}`)));
    });
  }

  /** SIGKILL: no shutdown code runs. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.kill(signal);
    await exited;
  }

  /**
   * The server's error-level log lines, on the test's stderr: a client sees only `InternalFailure`,
   * and the data directory with any other trace is about to go.
   */
  private reportErrors(): void {
    const errors = this.output.split('\n').filter((line) => /^\{"level":(5|6)\d,/.test(line));
    if (errors.length > 0) process.stderr.write(`cairn serve (${this.dataDir}) logged ${errors.length} error(s):\n${errors.join('\n')}\n`);
  }

  async dispose(): Promise<void> {
    await this.stop();
    this.reportErrors();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
