import { Database } from '@outdial/service-runtime';

import { Page, PageParams } from '../domain/directory-rules';

/**
 * One page of `SELECT <columns> FROM <from> ORDER BY <orderBy>` and the total count, read outside
 * any transaction (two statements: the total may be a row off from the page under concurrent writes).
 * `from` and `orderBy` are SQL written by the repositories, never user input.
 */
export async function selectPage<T extends object>(
  db: Database,
  from: string,
  params: unknown[],
  orderBy: string,
  page: PageParams,
  columns = '*',
): Promise<Page<T>> {
  const [items, total] = await Promise.all([
    db.query<T>(
      `SELECT ${columns} FROM ${from} ORDER BY ${orderBy} LIMIT ${page.page_size} OFFSET ${(page.page - 1) * page.page_size}`,
      params,
    ),
    db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${from}`, params),
  ]);
  return { items, total: total[0].n, page: page.page, page_size: page.page_size };
}
