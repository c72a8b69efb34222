import { AwsError } from '../../api/index.js';
import type { EventStore, TrailStore } from '../../store/index.js';
import type { Input } from './input.js';
import { lookupEvents } from './lookup-events.js';
import { isCloudTrailOperation } from './operations.js';
import { PageTokens } from './page-token.js';
import { searchEvents } from './search-events.js';
import { trailHandlers, trailTagKind } from './trails.js';
import type { LakeDeps } from './event-data-stores.js';
import { eventDataStoreHandlers, storeTagKind } from './event-data-stores.js';
import { queryHandlers } from './lake-queries.js';
import { channelHandlers, channelTagKind } from './channels.js';
import { tagHandlers } from './tags.js';
import type { ImportDeps } from './imports.js';
import { importHandlers } from './imports.js';
import type { CallContext, OperationOutput } from './types.js';

type Handler = (input: Input, ctx: CallContext) => Promise<OperationOutput>;

/** The CloudTrail API as pure behaviour: an operation name and decoded input in, output out. */
export class CloudTrailService {
  private readonly handlers: Record<string, Handler>;
  private readonly extensions: Record<string, Handler>;

  constructor(deps: {
    events: EventStore;
    tokenKey: Buffer;
    trails: TrailStore;
    bucketExists: (bucket: string) => Promise<boolean>;
    /** Whether KmsKeyId can be honoured (log-file encryption). */
    encryption?: boolean;
    kmsKeyState?: (keyId: string) => Promise<'enabled' | 'disabled' | 'missing'>;
    /** CloudTrail Lake: event data stores, queries, channels (absent: those operations are unsupported). */
    lake?: LakeDeps;
    /** Lake imports (StartImport ...): their runner (absent: those operations are unsupported). */
    imports?: ImportDeps;
  }) {
    const tokens = new PageTokens(deps.tokenKey);
    this.handlers = {
      LookupEvents: (input, ctx) => lookupEvents(input, ctx, deps.events, tokens),
      ...trailHandlers({
        trails: deps.trails,
        events: deps.events,
        bucketExists: deps.bucketExists,
        encryption: deps.encryption ?? false,
        kmsKeyState: deps.kmsKeyState,
      }),
      ...(deps.lake ? { ...eventDataStoreHandlers(deps.lake), ...queryHandlers(deps.lake), ...channelHandlers(deps.lake) } : {}),
      ...(deps.imports ? importHandlers(deps.imports) : {}),
      ...tagHandlers([trailTagKind(deps.trails), ...(deps.lake ? [storeTagKind(deps.lake.state), channelTagKind(deps.lake.state)] : [])]),
    };
    this.extensions = {
      SearchEvents: (input, ctx) => searchEvents(input, ctx, deps.events, tokens),
    };
  }

  /** Whether `operation` is part of the CloudTrail API (built or not). */
  knows(operation: string): boolean {
    return isCloudTrailOperation(operation);
  }

  knowsExtension(operation: string): boolean {
    return Object.hasOwn(this.extensions, operation);
  }

  call(operation: string, input: Input, ctx: CallContext): Promise<OperationOutput> {
    const handler = this.handlers[operation];
    if (!handler) {
      return Promise.reject(new AwsError('UnsupportedOperationException', `Cairn does not support the ${operation} operation yet.`));
    }
    return handler(input, ctx);
  }

  callExtension(operation: string, input: Input, ctx: CallContext): Promise<OperationOutput> {
    const handler = this.extensions[operation];
    if (!handler) return Promise.reject(new AwsError('UnknownOperationException', `Unknown operation ${operation}`));
    return handler(input, ctx);
  }
}
