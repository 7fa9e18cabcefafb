/** Newest-first paging over the append-only logs (CDRs, events): `limit` rows with ids below `beforeId`. */
import { ValidationError } from '../errors.js';
import type { FieldErrors } from './validate.js';

export interface PageOptions {
  limit?: number;
  beforeId?: number;
}

export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 1000;

/** The options with defaults applied; ValidationError naming `limit` or `beforeId` when invalid. */
export function pageOptions(opts: PageOptions = {}): { limit: number; beforeId: number } {
  const errors: FieldErrors = {};
  const limit = opts.limit ?? DEFAULT_PAGE;
  const beforeId = opts.beforeId ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) errors.limit = `must be an integer from 1 to ${MAX_PAGE}`;
  if (!Number.isInteger(beforeId) || beforeId < 1) errors.beforeId = 'must be a positive integer';
  if (Object.keys(errors).length > 0) throw new ValidationError('invalid paging options', errors);
  return { limit, beforeId };
}

/**
 * Old rows are pruned so the logs cannot fill the card: every PRUNE_EVERY inserts,
 * rows more than `keep` ids older than the newest are deleted.
 */
export const PRUNE_EVERY = 100;
