import { AwsError } from '../../api/index.js';
import type { EventCategory } from '../../records/index.js';
import type { EventQuery, EventStore } from '../../store/index.js';
import type { Input } from './input.js';
import { optionalInteger, optionalList, optionalString } from './input.js';
import { parseAttribute, parseTimeRange, queryPage } from './lookup-events.js';
import type { PageTokens } from './page-token.js';
import type { CallContext } from './types.js';

const CATEGORY_NAMES: Record<string, EventCategory> = {
  management: 'Management',
  data: 'Data',
  insight: 'Insight',
  networkactivity: 'NetworkActivity',
};
const MAX_SEARCH_RESULTS = 1000;
const MAX_TEXT = 2000;

/**
 * Cairn's additive search (`Cairn_20261101.SearchEvents`): every lookup attribute at once (all must
 * match), several categories, free text over the record, pages of up to 1000. Same Event shape as
 * LookupEvents.
 */
export async function searchEvents(input: Input, ctx: CallContext, events: EventStore, tokens: PageTokens): Promise<Record<string, unknown>> {
  const attributes = (optionalList(input, 'LookupAttributes') ?? []).map(parseAttribute);
  const requested = (optionalList(input, 'EventCategories') ?? ['management']).map((c) => {
    const category = typeof c === 'string' ? CATEGORY_NAMES[c.toLowerCase()] : undefined;
    if (!category) {
      throw new AwsError('InvalidEventCategoryException', `Invalid event category ${String(c)}. Valid: ${Object.keys(CATEGORY_NAMES).join(', ')}.`);
    }
    return category;
  });
  const maxResults = optionalInteger(input, 'MaxResults') ?? 50;
  if (maxResults < 1 || maxResults > MAX_SEARCH_RESULTS) {
    throw new AwsError('InvalidMaxResultsException', `MaxResults must be between 1 and ${MAX_SEARCH_RESULTS}; got ${maxResults}.`);
  }
  const text = optionalString(input, 'Text');
  if (text !== undefined && (text.length === 0 || text.length > MAX_TEXT)) {
    throw new AwsError('InvalidParameterException', `Text must be 1 to ${MAX_TEXT} characters.`);
  }
  const query: Omit<EventQuery, 'after'> = {
    accountId: ctx.accountId,
    region: ctx.region,
    categories: [...new Set(requested)],
    attributes,
    ...parseTimeRange(input, ctx.now),
    ...(text === undefined ? {} : { text }),
    limit: maxResults,
  };
  return queryPage(events, tokens, query, optionalString(input, 'NextToken'));
}
