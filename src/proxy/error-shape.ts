import type { WireProtocol } from '../api/index.js';

export interface ErrorReply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

function xmlEscape(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

/**
 * An error Cairn itself answers a forwarded call with (upstream unreachable, for instance), in the
 * format the client's protocol expects: S3 and REST-XML `<Error>`, query `<ErrorResponse>`, EC2
 * `<Response><Errors>`, JSON `{"__type"}`, RPC v2 CBOR with `smithy-protocol`.
 */
export function errorReply(
  protocol: WireProtocol | undefined,
  error: { code: string; message: string; status: number },
  requestId: string,
  encodeCbor: (map: Record<string, string>) => Buffer,
): ErrorReply {
  const code = xmlEscape(error.code);
  const message = xmlEscape(error.message);
  const id = xmlEscape(requestId);
  const xml = (body: string): ErrorReply => ({
    status: error.status,
    headers: { 'Content-Type': 'application/xml', 'x-amzn-RequestId': requestId, 'x-amz-request-id': requestId },
    body: Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`),
  });
  switch (protocol) {
    case 'json':
    case 'rest-json':
      return {
        status: error.status,
        headers: { 'Content-Type': protocol === 'json' ? 'application/x-amz-json-1.1' : 'application/json', 'x-amzn-RequestId': requestId, 'x-amzn-ErrorType': error.code },
        body: Buffer.from(JSON.stringify({ __type: error.code, message: error.message })),
      };
    case 'smithy-rpc-v2-cbor':
      return {
        status: error.status,
        headers: { 'Content-Type': 'application/cbor', 'smithy-protocol': 'rpc-v2-cbor', 'x-amzn-RequestId': requestId },
        body: encodeCbor({ __type: error.code, message: error.message }),
      };
    case 'query':
      return xml(`<ErrorResponse><Error><Type>${error.status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${id}</RequestId></ErrorResponse>`);
    case 'ec2':
      return xml(`<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>${id}</RequestID></Response>`);
    default:
      return xml(`<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${id}</RequestId></Error>`);
  }
}
