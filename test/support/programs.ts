import { spawnSync } from 'node:child_process';

/**
 * Whether an external program the test needs is here. When it is missing, the test is skipped with
 * the reason, unless CAIRN_REQUIRE_ALL=1 (CI), where a missing program is a failure.
 */
export function requireProgram(name: string, versionArgs: string[] = ['--version']): string | false {
  const found = spawnSync(name, versionArgs, { stdio: 'ignore' }).status === 0;
  if (found) return false;
  const reason = `${name} is not installed`;
  if (process.env.CAIRN_REQUIRE_ALL === '1') throw new Error(`${reason} (CAIRN_REQUIRE_ALL=1 requires every external program)`);
  process.stderr.write(`SKIPPING: ${reason}\n`);
  return reason;
}
