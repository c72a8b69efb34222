import { spawn } from 'node:child_process';

/** One boto3 client call: `client(service).<operation>(**params)`. Bytes params are given as {"$bytes": base64}. */
export interface Boto3Call {
  service: string;
  operation: string;
  params?: Record<string, unknown>;
  /** botocore Config kwargs, e.g. {"s3": {"addressing_style": "virtual"}, "proxies": {"http": url}}. */
  config?: Record<string, unknown>;
  /** Endpoint for this call (defaults to the run's endpoint). */
  endpoint?: string;
  /** Credentials for this call (default: the run's). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export type Boto3Result = { ok: true; result: Record<string, unknown> } | { ok: false; code: string; message: string; status?: number };

const SCRIPT = String.raw`
import base64, json, sys
import boto3, botocore
from botocore.config import Config
req = json.load(sys.stdin)
def unwrap(v):
    if isinstance(v, dict):
        if set(v) == {'$bytes'}:
            return base64.b64decode(v['$bytes'])
        return {k: unwrap(x) for k, x in v.items()}
    if isinstance(v, list):
        return [unwrap(x) for x in v]
    return v
def plain(v):
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items() if k != 'ResponseMetadata'}
    if isinstance(v, list):
        return [plain(x) for x in v]
    if isinstance(v, (bytes, bytearray)):
        return base64.b64encode(v).decode()
    if hasattr(v, 'read'):
        return base64.b64encode(v.read()).decode()
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    return str(v)
out = []
for c in req['calls']:
    creds = c.get('credentials') or req['credentials']
    client = boto3.client(c['service'], region_name=req['region'], endpoint_url=c.get('endpoint') or req['endpoint'],
        aws_access_key_id=creds['accessKeyId'], aws_secret_access_key=creds['secretAccessKey'], aws_session_token=creds.get('sessionToken'),
        config=Config(retries={'max_attempts': 1, 'mode': 'standard'}, **c.get('config', {})))
    try:
        result = getattr(client, botocore.xform_name(c['operation']))(**unwrap(c.get('params', {})))
        out.append({'ok': True, 'result': plain(result)})
    except botocore.exceptions.ClientError as e:
        out.append({'ok': False, 'code': e.response['Error'].get('Code', ''), 'message': e.response['Error'].get('Message', ''), 'status': e.response.get('ResponseMetadata', {}).get('HTTPStatusCode')})
print(json.dumps(out))
`;

/** Runs boto3 calls in one Python process, in order, and returns each call's result or error. */
export function boto3Calls(
  endpoint: string,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
  calls: readonly Boto3Call[],
  region = 'us-east-1',
): Promise<Boto3Result[]> {
  return new Promise((resolve, reject) => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
    const child = spawn('python3', ['-c', SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`boto3 run failed (${code}): ${stderr}`));
      else resolve(JSON.parse(stdout) as Boto3Result[]);
    });
    child.stdin.end(JSON.stringify({ endpoint, credentials, region, calls }));
  });
}
