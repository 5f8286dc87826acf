import type { ContactsPageQuery } from '@outdial/contracts';

import { searchPattern } from '../domain/search-pattern';

/**
 * A WHERE clause over `contacts` (alias-free) and its parameters, numbered from `$1`. SQL, so it lives
 * in persistence; what a search means is `domain/search-pattern.ts`.
 */
export interface SqlFilter {
  where: string;
  params: unknown[];
  /** True when only the status (or nothing) filters: the total comes from the per-status counts. */
  statusOnly: boolean;
}

/** The search expression the trigram index is built on (migrations: contacts_search_idx). */
export const SEARCH_EXPRESSION = `(coalesce(phone, '') || ' ' || coalesce(name, ''))`;

/**
 * The contacts list filter (SPEC §8): status (any of), attempt count (exact or a range), last
 * attempt in [from, to), search by phone or name. Placeholders (row null) are never listed.
 */
export function contactsFilter(
  query: Pick<
    ContactsPageQuery,
    'batch_id' | 'status' | 'attempts' | 'min_attempts' | 'max_attempts' | 'from' | 'to' | 'search'
  >,
): SqlFilter {
  const params: unknown[] = [query.batch_id];
  const clauses = ['batch_id = $1', 'row IS NOT NULL'];
  let statusOnly = true;
  const add = (sql: (placeholder: string) => string, value: unknown, isStatus = false) => {
    params.push(value);
    clauses.push(sql(`$${params.length}`));
    if (!isStatus) statusOnly = false;
  };
  if (query.status && query.status.length > 0) add((p) => `status = ANY(${p}::text[])`, query.status, true);
  if (query.attempts !== undefined) add((p) => `attempts = ${p}`, query.attempts);
  if (query.min_attempts !== undefined) add((p) => `attempts >= ${p}`, query.min_attempts);
  if (query.max_attempts !== undefined) add((p) => `attempts <= ${p}`, query.max_attempts);
  if (query.from !== undefined) add((p) => `last_attempt_at >= ${p}::timestamptz`, query.from);
  if (query.to !== undefined) add((p) => `last_attempt_at < ${p}::timestamptz`, query.to);
  const pattern = query.search !== undefined ? searchPattern(query.search) : null;
  if (pattern !== null) add((p) => `${SEARCH_EXPRESSION} ILIKE ${p}`, pattern);
  return { where: clauses.join(' AND '), params, statusOnly };
}
