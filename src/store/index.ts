export type {
  LookupAttributeKey,
  AttributeFilter,
  EventCursor,
  EventQuery,
  EventPage,
  AppendResult,
  EventStore,
  PrincipalType,
  Credential,
  CredentialStore,
  SettingsStore,
  CairnStore,
} from './types.js';
