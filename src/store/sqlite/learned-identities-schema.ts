/** Access keys the recording gateway learned from passing replies, and their userIdentity (JSON). */
export const LEARNED_IDENTITIES_SCHEMA = `
CREATE TABLE IF NOT EXISTS learned_identities (
  access_key_id TEXT PRIMARY KEY,
  identity      TEXT NOT NULL,
  learned_at    INTEGER NOT NULL
) WITHOUT ROWID;
`;
