import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { requireProgram } from '../../test/support/programs.js';
import { routingTable } from './index.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

void describe('the generated routing table', () => {
  const skip = requireProgram('python3', ['-c', 'import botocore']);

  void it('is exactly what scripts/generate-routing.py writes from the botocore models here (never hand-edited)', { skip }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-routing-'));
    try {
      const out = join(dir, 'routing.generated.ts');
      const run = spawnSync('python3', [join(ROOT, 'scripts', 'generate-routing.py'), '--out', out], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(readFileSync(out, 'utf8'), readFileSync(join(ROOT, 'src', 'api', 'routing.generated.ts'), 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  void it('covers at least 40 services, with CloudTrail names, read-only and data-event facts', () => {
    const services = routingTable();
    assert.ok(services.length >= 40, `${services.length} services`);
    const by = (id: string) => services.find((s) => s.id === id)!;
    assert.equal(by('cloudwatch').eventSource, 'monitoring.amazonaws.com');
    assert.equal(by('ses').eventSource, 'ses.amazonaws.com');
    assert.equal(by('ecr').eventSource, 'ecr.amazonaws.com');
    assert.equal(by('sts').operations.AssumeRole?.ro, 1);
    assert.equal(by('kms').operations.Decrypt?.ro, 1);
    assert.equal(by('lambda').operations.Invoke?.ro, undefined);
    assert.equal(by('lambda').operations.Invoke?.d, 1);
    assert.equal(by('s3').operations.GetObject?.d, 1);
    assert.equal(by('s3').operations.CreateBucket?.d, undefined);
    assert.equal(by('dynamodb').operations.PutItem?.d, 1);
    assert.equal(by('lambda').operations.CreateFunction?.e, 'CreateFunction20150331');
    assert.deepEqual(by('s3').operations.CopyObject?.h, ['x-amz-copy-source']);
  });
});
