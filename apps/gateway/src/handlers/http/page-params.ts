import { FieldError } from '@outdial/contracts';

import { throwIfProblems } from '../../adapters/field-problems';
import { PageParams } from '../../domain/directory-rules';

export const PAGE_SIZE = { default: 50, max: 200 } as const;

/** `page` (from 1) and `page_size` (1..200) from a query string; 400 naming the field otherwise. */
export function pageParams(query: Record<string, unknown>): PageParams {
  const problems: FieldError[] = [];
  const read = (name: string, fallback: number, max: number): number => {
    const raw = query[name];
    if (raw === undefined || raw === '') return fallback;
    const text = Array.isArray(raw) ? String(raw[0]) : String(raw);
    if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > max) {
      problems.push({ field: name, problems: [`must be an integer from 1 to ${max}`] });
      return fallback;
    }
    return Number(text);
  };
  const page = read('page', 1, 1_000_000);
  const page_size = read('page_size', PAGE_SIZE.default, PAGE_SIZE.max);
  throwIfProblems(problems);
  return { page, page_size };
}
