export { ConsoleHandler, secretsEqual } from './console-handler.js';
export type { ConsoleOptions, CredentialCheck } from './console-handler.js';
export { consoleLoginRecord, HIDDEN_USER } from './console-login.js';
export { SessionStore } from './sessions.js';
