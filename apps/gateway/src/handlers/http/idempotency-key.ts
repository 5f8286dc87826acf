import { ServiceError } from '@outdial/service-runtime';

/** The `Idempotency-Key` header (SPEC §9): 1-255 visible ASCII characters, else 400; absent or blank: undefined. */
export function readIdempotencyKey(header: string | string[] | undefined): string | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return undefined;
  if (value.length > 255 || !/^[\x21-\x7e]+$/.test(value)) {
    throw new ServiceError('validation_failed', 'Idempotency-Key must be 1-255 visible ASCII characters', [
      { field: 'Idempotency-Key', problems: ['1-255 visible ASCII characters'] },
    ]);
  }
  return value;
}
