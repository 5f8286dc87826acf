import { ServiceError } from '@outdial/service-runtime';

/** A query-string value as Express gives it (repeated parameters become arrays). */
export type QueryValue = string | string[] | undefined | Record<string, unknown> | Record<string, unknown>[];

function invalid(field: string, problem: string): ServiceError {
  return new ServiceError('validation_failed', `${field}: ${problem}`, [{ field, problems: [problem] }]);
}

function single(field: string, value: QueryValue): string | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) {
    if (value.length === 1 && typeof value[0] === 'string') return value[0];
    throw invalid(field, 'must be given once');
  }
  if (typeof value !== 'string') throw invalid(field, 'must be a plain value');
  return value;
}

/** An integer parameter within [min, max]; absent -> the default. */
export function intParam(
  field: string,
  value: QueryValue,
  options: { min: number; max: number; default: number },
): number;
export function intParam(
  field: string,
  value: QueryValue,
  options: { min: number; max: number; default?: number },
): number | undefined;
export function intParam(
  field: string,
  value: QueryValue,
  options: { min: number; max: number; default?: number },
): number | undefined {
  const text = single(field, value);
  if (text === undefined || text.trim() === '') return options.default;
  if (!/^-?\d+$/.test(text.trim())) throw invalid(field, 'must be an integer');
  const n = Number(text);
  if (n < options.min || n > options.max) throw invalid(field, `must be between ${options.min} and ${options.max}`);
  return n;
}

/** An integer that must be one of `allowed` (e.g. page_size 25/50/100). */
export function oneOfIntParam(field: string, value: QueryValue, allowed: readonly number[], fallback: number): number {
  const text = single(field, value);
  if (text === undefined || text.trim() === '') return fallback;
  const n = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || !allowed.includes(n)) throw invalid(field, `must be one of ${allowed.join(', ')}`);
  return n;
}

/** A list parameter: `?status=a,b` or `?status=a&status=b`, each value among `allowed`. */
export function listParam<T extends string>(field: string, value: QueryValue, allowed: readonly T[]): T[] | undefined {
  if (value === undefined) return undefined;
  const parts = (Array.isArray(value) ? value : [value]).flatMap((v) => {
    if (typeof v !== 'string') throw invalid(field, 'must be a plain value');
    return v.split(',');
  });
  const values = [...new Set(parts.map((p) => p.trim()).filter((p) => p !== ''))];
  if (values.length === 0) return undefined;
  const isAllowed = (v: string): v is T => (allowed as readonly string[]).includes(v);
  const unknown = values.filter((v) => !isAllowed(v));
  if (unknown.length > 0) throw invalid(field, `unknown value(s) ${unknown.join(', ')}; use ${allowed.join(', ')}`);
  return values.filter(isAllowed);
}

/** An ISO 8601 instant (a date alone means its UTC midnight), normalized to ISO. */
export function instantParam(field: string, value: QueryValue): string | undefined {
  const text = single(field, value)?.trim();
  if (!text) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text))
    throw invalid(field, 'must be an ISO 8601 date or date-time');
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(date.getTime())) throw invalid(field, 'must be an ISO 8601 date or date-time');
  return date.toISOString();
}

/** A free-text parameter of at most `maxLength` characters. */
export function textParam(field: string, value: QueryValue, maxLength: number): string | undefined {
  const text = single(field, value);
  if (text === undefined || text.trim() === '') return undefined;
  if (text.length > maxLength) throw invalid(field, `must be at most ${maxLength} characters`);
  return text.trim();
}

/** Rejects query parameters the route does not know (a typo must not silently list everything). */
export function rejectUnknownParams(query: Record<string, unknown>, known: readonly string[]): void {
  const unknown = Object.keys(query).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw new ServiceError(
      'validation_failed',
      `unknown query parameter(s) ${unknown.join(', ')}; known: ${known.join(', ')}`,
      unknown.map((field) => ({ field, problems: ['unknown parameter'] })),
    );
  }
}
