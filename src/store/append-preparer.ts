import { ChunkPreparer } from './sqlite/chunk-preparation.js';
import type { AppendRecipe, PreparedAppend } from './types.js';

/** Prepares appends from a store's `appendRecipe`, on any thread: pure work, no store access. */
export interface AppendPreparer {
  readonly recipe: AppendRecipe;
  prepare(entries: Parameters<ChunkPreparer['prepare']>[0]): PreparedAppend;
}

export function appendPreparer(recipe: AppendRecipe): AppendPreparer {
  return new ChunkPreparer(recipe);
}
