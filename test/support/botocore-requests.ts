import { spawnSync } from 'node:child_process';

/** One request exactly as botocore builds and signs it (no network). */
export interface BotocoreRequest {
  service: string;
  operation: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  /** Body as base64 (may be empty). */
  body: string;
}

export interface BotocoreCall {
  service: string;
  operation: string;
  params: Record<string, unknown>;
  /** botocore client config, e.g. {"s3": {"addressing_style": "virtual"}}. */
  config?: Record<string, unknown>;
  endpoint?: string;
  region?: string;
}

const SCRIPT = String.raw`
import base64, json, sys
import botocore.session
from botocore.config import Config
calls = json.load(sys.stdin)
session = botocore.session.get_session()
out = []
for c in calls:
    client = session.create_client(c['service'], region_name=c.get('region', 'us-east-1'), endpoint_url=c.get('endpoint'),
        aws_access_key_id='AKIAIOSFODNN7EXAMPLE', aws_secret_access_key='wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        config=Config(**c.get('config', {})))
    captured = {}
    def grab(request, **kwargs):
        body = request.body
        if hasattr(body, 'read'):
            body = body.read()
        if isinstance(body, str):
            body = body.encode()
        captured['r'] = {'method': request.method, 'url': request.url, 'headers': {k: (v.decode() if isinstance(v, bytes) else v) for k, v in request.headers.items()}, 'body': base64.b64encode(body or b'').decode()}
        raise KeyboardInterrupt
    client.meta.events.register('before-send', lambda request, **kw: grab(request))
    try:
        getattr(client, botocore.xform_name(c['operation']))(**c['params'])
    except KeyboardInterrupt:
        pass
    out.append({'service': c['service'], 'operation': c['operation'], **captured['r']})
print(json.dumps(out))
`;

/** Builds the requests botocore would send for `calls`, without sending them. */
export function botocoreRequests(calls: readonly BotocoreCall[]): BotocoreRequest[] {
  const run = spawnSync('python3', ['-c', SCRIPT], { input: JSON.stringify(calls), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`botocore request builder failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as BotocoreRequest[];
}
