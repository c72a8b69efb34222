export type {
  LookupAttributeKey,
  AttributeFilter,
  EventCursor,
  EventQuery,
  EventPage,
  AppendResult,
  AppendOptions,
  AppendRecipe,
  PreparedAppend,
  EventStore,
  PrincipalType,
  Credential,
  CredentialStore,
  SettingsStore,
  CairnStore,
  LearnedIdentityStore,
  StoredTrail,
  TrailStore,
  LakeObjectKind,
  LakeResults,
  LakeStateStore,
} from './types.js';
export { attributeKey, attributeKeysOf, isAfterCursor, mayMatch } from './query-match.js';
export { appendPreparer } from './append-preparer.js';
export type { AppendPreparer } from './append-preparer.js';
