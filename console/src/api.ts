/** The console API: same-origin JSON calls made as the signed-in principal (the session cookie). */

export interface SessionInfo {
  accountId: string;
  region: string;
  accessKeyId: string;
  principal: { type?: string; arn?: string; userName?: string };
  expiresAt: string;
}

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

type Json = Record<string, unknown>;

let onSignedOut: (message: string) => void = () => undefined;
/** Called when a call finds the session gone (expired or signed out elsewhere). */
export function whenSignedOut(handler: (message: string) => void): void {
  onSignedOut = handler;
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`/console/api/${path}`, {
    method,
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-Cairn-Console': '1' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const data = (text === '' ? {} : JSON.parse(text)) as Json;
  if (!response.ok) {
    const error = new ApiError(typeof data.__type === 'string' ? data.__type : 'Error', typeof data.message === 'string' ? data.message : response.statusText, response.status);
    if (response.status === 401 && path.startsWith('call/')) onSignedOut(error.message);
    throw error;
  }
  return data as T;
}

export const api = {
  session: (): Promise<SessionInfo> => request('GET', 'session'),
  signIn: (accessKeyId: string, secretAccessKey: string, region: string): Promise<SessionInfo> => request('POST', 'session', { accessKeyId, secretAccessKey, region }),
  signOut: (): Promise<Json> => request('DELETE', 'session'),
  call: <T = Json>(operation: string, input: Json = {}): Promise<T> => request<T>('POST', `call/${operation}`, input),
};
