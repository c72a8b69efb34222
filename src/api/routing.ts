import { ROUTING_SERVICES } from './routing.generated.js';

/** Where an input or output member travels on the wire. `body` marks a body member with a wire name of its own. */
export type MemberLocation = 'uri' | 'querystring' | 'header' | 'headers' | 'statusCode' | 'body';

/** One operation of the routing table (see scripts/generate-routing.py). */
export interface OperationRouting {
  /** HTTP method and request URI template (with literal query keys, e.g. `/{Bucket}?acl`). */
  m: string;
  u: string;
  /** Input members bound outside the body, or renamed on the wire: [member, location, wire name]. */
  in?: [string, MemberLocation, string][];
  /** Lower-case header names the operation requires (REST protocols). */
  h?: string[];
  /** Query parameter names the operation requires (REST protocols). */
  q?: string[];
  /** The input member that is the whole body (REST protocols). */
  p?: string;
  /** The payload member's shape type (`structure`, `blob`, `string`). */
  pk?: string;
  /** Output members bound to headers or the status code: [member, location, wire name]. */
  out?: [string, MemberLocation, string][];
  /** The eventName CloudTrail records when it differs from the operation name (Lambda's `CreateFunction20150331`). */
  e?: string;
  /** 1 when CloudTrail records the operation as read-only. */
  ro?: 1;
  /** 1 when a read-only operation's reply is still recorded as responseElements (STS credentials). */
  re?: 1;
  /** 1 when the operation is a data event. */
  d?: 1;
}

export type WireProtocol = 'json' | 'rest-json' | 'rest-xml' | 'query' | 'ec2' | 'smithy-rpc-v2-cbor';

export interface ServiceRouting {
  /** botocore's service id, e.g. `s3`, `elbv2`. */
  id: string;
  signingName: string;
  endpointPrefix: string;
  targetPrefix: string | null;
  protocol: WireProtocol;
  /** Every protocol the service speaks, preferred first. */
  protocols: WireProtocol[];
  jsonVersion: string | null;
  apiVersion: string;
  globalEndpoint: string | null;
  eventSource: string;
  operations: Record<string, OperationRouting>;
}

let table: readonly ServiceRouting[] | undefined;

/** The generated routing table, parsed on first use. */
export function routingTable(): readonly ServiceRouting[] {
  table ??= ROUTING_SERVICES.map((text) => JSON.parse(text) as ServiceRouting);
  return table;
}
