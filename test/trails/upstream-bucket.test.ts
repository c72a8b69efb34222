import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CloudTrailClient, CreateTrailCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CairnProcess } from '../support/cairn-process.js';
import { MotoServer } from '../support/moto.js';
import { requireProgram } from '../support/programs.js';
import { readLogFiles } from '../support/trail-delivery.js';

const CREDS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const missing = requireProgram('moto_server', ['--help']);

void describe('a gateway in front of an emulator', { skip: missing }, () => {
  let moto: MotoServer;
  let cairn: CairnProcess;
  before(async () => {
    moto = await MotoServer.start();
    // A user who starts Cairn in front of an emulator seldom has AWS credentials in that shell:
    // Cairn then signs for the emulator's S3 with its own admin key.
    cairn = await CairnProcess.start(['--auth', 'off', '--upstream', moto.url, '--delivery-interval', '1'], undefined, {
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_PROFILE: '',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
  });
  after(async () => {
    await cairn?.dispose();
    await moto?.stop();
  });

  void it("delivers trails to the upstream's S3 when no --s3-endpoint is given, without AWS credentials in Cairn's environment", async () => {
    // The bucket is made through Cairn itself, so the call is forwarded to moto and recorded.
    const s3 = new S3Client({ endpoint: cairn.url, region: 'us-east-1', forcePathStyle: true, credentials: CREDS });
    await s3.send(new CreateBucketCommand({ Bucket: 'emulated-trail' }));
    const ct = new CloudTrailClient({ endpoint: cairn.url, region: 'us-east-1', credentials: { accessKeyId: '123456789012', secretAccessKey: 'x' } });
    await ct.send(new CreateTrailCommand({ Name: 'emulated', S3BucketName: 'emulated-trail' }));
    await ct.send(new StartLoggingCommand({ Name: 'emulated' }));
    const direct = new S3Client({ endpoint: moto.url, region: 'us-east-1', forcePathStyle: true, credentials: CREDS });
    let names: string[] = [];
    for (let i = 0; i < 100 && !names.includes('StartLogging'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const files = await readLogFiles(direct, 'emulated-trail', 'AWSLogs/123456789012/CloudTrail/us-east-1/');
      names = files.flatMap((f) => f.records.map((r) => String(r.eventName)));
    }
    assert.ok(names.includes('StartLogging'), `delivered to moto: ${JSON.stringify(names)}`);
  });
});
