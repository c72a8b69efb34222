import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { AwsError } from '../../api/index.js';
import type { EventCursor } from '../../store/index.js';

/**
 * NextToken: the last position of a page plus a hash of the request it belongs to, signed with a
 * key only the server holds. Re-sending a token gives the same page; an altered token, or one sent
 * with other parameters, is rejected.
 */
export class PageTokens {
  constructor(private readonly key: Buffer) {}

  issue(cursor: EventCursor, scope: string): string {
    const body = Buffer.from(JSON.stringify({ t: cursor.eventTime, s: cursor.seq, i: cursor.eventId, h: scopeHash(scope) })).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  read(token: string, scope: string): EventCursor {
    const [body, signature, extra] = token.split('.');
    if (!body || !signature || extra !== undefined || !this.verify(body, signature)) throw invalidToken();
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      throw invalidToken();
    }
    const p = payload as { t?: unknown; s?: unknown; i?: unknown; h?: unknown };
    if (typeof p.t !== 'number' || typeof p.s !== 'number' || typeof p.h !== 'string' || (p.i !== undefined && typeof p.i !== 'string')) throw invalidToken();
    if (p.h !== scopeHash(scope)) throw invalidToken('The token was issued for a request with other parameters.');
    return p.i === undefined ? { eventTime: p.t, seq: p.s } : { eventTime: p.t, seq: p.s, eventId: p.i };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }

  private verify(body: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}

function scopeHash(scope: string): string {
  return createHash('sha256').update(scope).digest('base64url').slice(0, 22);
}

function invalidToken(detail = 'The token is not valid.'): AwsError {
  return new AwsError('InvalidNextTokenException', `Invalid NextToken. ${detail}`);
}
