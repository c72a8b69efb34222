/**
 * An error a client sees as an AWS error: `code` is the `__type` (JSON protocols) or `Code` (XML),
 * `status` the HTTP status. Services and auth throw it; the protocol layer renders it.
 */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}

export function isAwsError(error: unknown): error is AwsError {
  return error instanceof AwsError;
}
