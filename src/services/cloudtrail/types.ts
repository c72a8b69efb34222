import type { UserIdentity } from '../../records/index.js';

/** Who is calling and where: what every operation needs besides its input. Never HTTP. */
export interface CallContext {
  accountId: string;
  region: string;
  identity: UserIdentity;
  requestId: string;
  /** Epoch ms at which the call arrived. */
  now: number;
}

export type OperationInput = Record<string, unknown>;
export type OperationOutput = Record<string, unknown>;
