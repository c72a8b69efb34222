import assert from 'node:assert/strict';
import type { CloudTrailClient, GetQueryResultsCommandOutput } from '@aws-sdk/client-cloudtrail';
import { CloudTrailServiceException, DescribeQueryCommand, GetQueryResultsCommand, StartQueryCommand } from '@aws-sdk/client-cloudtrail';

/** Polls DescribeQuery until the query leaves QUEUED/RUNNING; returns its final status. */
export async function waitForQuery(client: CloudTrailClient, queryId: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await client.send(new DescribeQueryCommand({ QueryId: queryId }));
    if (d.QueryStatus !== 'QUEUED' && d.QueryStatus !== 'RUNNING') return d.QueryStatus ?? '';
    assert.ok(Date.now() < deadline, `query ${queryId} still ${d.QueryStatus}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every result row of a finished query as objects (column → string), through GetQueryResults paging. */
export async function allRows(client: CloudTrailClient, queryId: string, pageSize?: number): Promise<Record<string, string>[]> {
  const rows: Record<string, string>[] = [];
  let token: string | undefined;
  do {
    const page: GetQueryResultsCommandOutput = await client.send(new GetQueryResultsCommand({ QueryId: queryId, NextToken: token, ...(pageSize ? { MaxQueryResults: pageSize } : {}) }));
    for (const row of page.QueryResultRows ?? []) rows.push(Object.assign({}, ...row) as Record<string, string>);
    token = page.NextToken;
  } while (token);
  return rows;
}

/** StartQuery, wait, read every row; fails the test unless the query FINISHED. */
export async function runQuery(client: CloudTrailClient, sql: string): Promise<Record<string, string>[]> {
  const { QueryId } = await client.send(new StartQueryCommand({ QueryStatement: sql }));
  assert.ok(QueryId);
  const status = await waitForQuery(client, QueryId);
  if (status !== 'FINISHED') {
    const d = await client.send(new DescribeQueryCommand({ QueryId }));
    assert.fail(`query ${sql} ended ${status}: ${d.ErrorMessage ?? ''}`);
  }
  return allRows(client, QueryId);
}

/** Counts of `key(x)` over items, as a plain object sorted by key. */
export function countBy<T>(items: readonly T[], key: (x: T) => string | undefined): Record<string, number> {
  const out = new Map<string, number>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    out.set(k, (out.get(k) ?? 0) + 1);
  }
  return Object.fromEntries([...out].sort(([a], [b]) => a.localeCompare(b)));
}

/** Asserts that an SDK call fails with the AWS error `code` and a message saying why. */
export async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof CloudTrailServiceException, `expected ${code}, got ${String(error)}`);
    assert.equal(error.name, code, error.message);
    assert.ok(error.message.length > 0);
    return true;
  });
}
