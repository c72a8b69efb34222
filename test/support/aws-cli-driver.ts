import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * The real AWS CLI v1, kept loaded in one Python process: each request runs `CLIDriver.main(argv)`
 * — what the `aws` executable runs — with the given AWS_* environment, and returns its exit code,
 * stdout and stderr. One driver (botocore session) is kept per distinct environment. Starting `aws`
 * costs over a second of CPU per call here (no bytecode cache); this keeps dozens of CLI calls within
 * a few seconds.
 */
const SCRIPT = String.raw`
import contextlib, io, json, os, sys, time
os.environ['TZ'] = 'UTC'
time.tzset()
from awscli.clidriver import create_clidriver
# What awscli itself sets on import (AWS_DATA_PATH) stays; the caller's variables are per request.
base = {k: v for k, v in os.environ.items() if k.startswith('AWS_')}
drivers = {}
for line in sys.stdin:
    req = json.loads(line)
    for k in [k for k in os.environ if k.startswith('AWS_')]:
        del os.environ[k]
    os.environ.update(base)
    os.environ.update(req['env'])
    # One driver (botocore session) per environment, as each would be in its own 'aws' process.
    key = json.dumps(req['env'], sort_keys=True)
    if key not in drivers:
        drivers[key] = create_clidriver()
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            rc = drivers[key].main(req['argv'])
        except SystemExit as e:
            rc = e.code if isinstance(e.code, int) else 1
    sys.__stdout__.write(json.dumps({'code': rc, 'stdout': out.getvalue(), 'stderr': err.getvalue()}) + '\n')
    sys.__stdout__.flush()
`;

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export class AwsCliDriver {
  private readonly waiting: ((run: CliRun) => void)[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private exited = false;
  private errors = '';

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const resolve = this.waiting.shift();
      resolve?.(JSON.parse(line) as CliRun);
    });
    child.stderr.on('data', (chunk: Buffer) => (this.errors += chunk.toString()));
    child.once('exit', () => {
      this.exited = true;
      for (const resolve of this.waiting.splice(0)) resolve({ code: -1, stdout: '', stderr: `python exited: ${this.errors}` });
    });
  }

  static start(): AwsCliDriver {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
    return new AwsCliDriver(spawn('python3', ['-u', '-c', SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'], env }));
  }

  /** Runs `aws <argv...>` with exactly these AWS_* variables (others are removed). One call at a time. */
  run(argv: readonly string[], env: Record<string, string>): Promise<CliRun> {
    const next = this.chain.then(
      () =>
        new Promise<CliRun>((resolve) => {
          if (this.exited) {
            resolve({ code: -1, stdout: '', stderr: `python exited: ${this.errors}` });
            return;
          }
          this.waiting.push(resolve);
          this.child.stdin.write(JSON.stringify({ argv, env }) + '\n');
        }),
    );
    this.chain = next;
    return next;
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const done = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.end();
    await done;
  }
}
