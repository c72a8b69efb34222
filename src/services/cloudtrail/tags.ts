import { AwsError } from '../../api/index.js';
import type { Tag } from '../../trails/index.js';
import type { Input } from './input.js';
import { asStructure, optionalList, optionalString, requiredString } from './input.js';
import type { CallContext, OperationOutput } from './types.js';

type Handler = (input: Input, ctx: CallContext) => Promise<OperationOutput>;

/** AddTags may leave at most this many tags on one trail, event data store or channel. */
const MAX_TAGS = 50;
const MAX_LIST_TAGS_RESOURCES = 20;
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const CLOUDTRAIL_ARN = /^arn:aws[a-z-]*:cloudtrail:/;
const TAGGABLE_TYPES = /^arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\d{12}:(trail|eventdatastore|channel|dashboard)\//;

/** A resource AddTags, RemoveTags and ListTags reach: its tags, and how to store new ones. */
export interface TaggedResource {
  tags: readonly Tag[];
  /** Throws when this call may not change the tags (a trail outside its home region). */
  checkChange?: () => void;
  save(tags: Tag[]): Promise<void>;
}

/**
 * One kind of taggable resource: `claims` says whether an ARN is of this kind; `find` returns the
 * resource, or throws ResourceNotFoundException when it is not in the caller's account and region.
 */
export interface TaggedResourceKind {
  claims(arn: string): boolean;
  find(arn: string, ctx: CallContext): Promise<TaggedResource>;
}

export function resourceNotFound(resourceId: string): AwsError {
  return new AwsError('ResourceNotFoundException', `Resource ${resourceId} was not found.`);
}

/** Tag keys and values as AWS accepts them; duplicate keys in one request are refused. */
export function parseTags(list: unknown[]): Tag[] {
  const keys = new Set<string>();
  return list.map((raw) => {
    const tag = asStructure(raw, 'TagsList');
    const key = tag.Key;
    const value = tag.Value;
    if (typeof key !== 'string' || key.length < 1 || key.length > 128 || !TAG_TEXT.test(key) || key.toLowerCase().startsWith('aws:')) {
      throw new AwsError('InvalidTagParameterException', `Tag key ${String(key)} is not valid: 1 to 128 letters, digits, spaces and _ . : / = + - @, not starting with aws:.`);
    }
    if (value !== undefined && value !== null && (typeof value !== 'string' || value.length > 256 || !TAG_TEXT.test(value))) {
      throw new AwsError('InvalidTagParameterException', `Tag value for key ${key} is not valid: at most 256 letters, digits, spaces and _ . : / = + - @.`);
    }
    if (keys.has(key)) throw new AwsError('InvalidTagParameterException', `Tag key ${key} appears more than once.`);
    keys.add(key);
    return typeof value === 'string' ? { Key: key, Value: value } : { Key: key };
  });
}

/** Existing tags with `added` laid over them (a key already present takes the new value). */
export function mergeTags(existing: readonly Tag[], added: readonly Tag[]): Tag[] {
  const merged = new Map(existing.map((t) => [t.Key, t]));
  for (const tag of added) merged.set(tag.Key, tag);
  if (merged.size > MAX_TAGS) throw new AwsError('TagsLimitExceededException', `A resource can have at most ${MAX_TAGS} tags; this request would make ${merged.size}.`);
  return [...merged.values()];
}

/** AddTags, RemoveTags and ListTags over every kind of taggable resource Cairn has. */
export function tagHandlers(kinds: readonly TaggedResourceKind[]): Record<string, Handler> {
  async function resource(resourceId: string, ctx: CallContext): Promise<TaggedResource> {
    if (!resourceId.startsWith('arn:')) throw new AwsError('CloudTrailARNInvalidException', `${resourceId} is not a valid ARN.`);
    const kind = CLOUDTRAIL_ARN.test(resourceId) ? kinds.find((k) => k.claims(resourceId)) : undefined;
    if (kind) return kind.find(resourceId, ctx);
    // A CloudTrail resource type Cairn does not keep here (dashboards, or the Lake when it is off) has none to find.
    if (TAGGABLE_TYPES.test(resourceId)) throw resourceNotFound(resourceId);
    throw new AwsError('ResourceTypeNotSupportedException', `Resource type of ${resourceId} is not supported.`);
  }

  function changeInput(input: Input): { id: string; tags: Tag[] } {
    const id = requiredString(input, 'ResourceId', () => new AwsError('ResourceNotFoundException', 'ResourceId is required.'));
    const list = optionalList(input, 'TagsList');
    if (list === undefined) throw new AwsError('InvalidTagParameterException', 'TagsList is required.');
    return { id, tags: parseTags(list) };
  }

  const addTags: Handler = async (input, ctx) => {
    const { id, tags } = changeInput(input);
    const target = await resource(id, ctx);
    target.checkChange?.();
    await target.save(mergeTags(target.tags, tags));
    return {};
  };

  const removeTags: Handler = async (input, ctx) => {
    const { id, tags } = changeInput(input);
    const target = await resource(id, ctx);
    target.checkChange?.();
    const remove = new Set(tags.map((t) => t.Key));
    await target.save(target.tags.filter((t) => !remove.has(t.Key)));
    return {};
  };

  const listTags: Handler = async (input, ctx) => {
    if (optionalString(input, 'NextToken') !== undefined) throw new AwsError('InvalidTokenException', 'The NextToken is not valid.');
    const ids = optionalList(input, 'ResourceIdList');
    if (!ids || ids.length === 0) throw new AwsError('InvalidParameterException', 'ResourceIdList is required.');
    if (ids.length > MAX_LIST_TAGS_RESOURCES) throw new AwsError('InvalidParameterException', `ResourceIdList can name at most ${MAX_LIST_TAGS_RESOURCES} resources.`);
    const out = [];
    for (const id of ids) {
      if (typeof id !== 'string') throw new AwsError('SerializationException', 'ResourceIdList: expected a list of strings');
      out.push({ ResourceId: id, TagsList: (await resource(id, ctx)).tags });
    }
    return { ResourceTagList: out };
  };

  return { AddTags: addTags, RemoveTags: removeTags, ListTags: listTags };
}
