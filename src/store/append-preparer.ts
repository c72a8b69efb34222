import type { JournalEntry } from '../records/index.js';
import { ChunkPreparer } from './sqlite/chunk-preparation.js';
import type { AppendRecipe, PreparedAppend } from './types.js';

/** Prepares appends from a store's `appendRecipe`, on any thread: pure work, no store access. */
export interface AppendPreparer {
  readonly recipe: AppendRecipe;
  prepare(entries: readonly JournalEntry[]): PreparedAppend;
}

export function appendPreparer(recipe: AppendRecipe): AppendPreparer {
  return new ChunkPreparer(recipe);
}
