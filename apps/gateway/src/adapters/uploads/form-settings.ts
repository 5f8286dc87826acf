import { ServiceError } from '@outdial/service-runtime';

const JSON_FIELDS = new Set(['metadata', 'retry_policy', 'call_timing', 'column_mapping']);
const NUMBER_FIELDS = new Set(['concurrency', 'max_attempts', 'priority', 'timeout_per_call_seconds']);
const BOOLEAN_FIELDS = new Set(['bypass_call_guardrails']);

/**
 * Multipart settings arrive as text (SPEC §3): objects and lists as JSON text, numbers and
 * booleans as plain text. A value that cannot be read is a 400 naming the field.
 */
export function formFieldsToRequest(fields: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(fields)) {
    const value = raw.trim();
    if (JSON_FIELDS.has(name)) {
      try {
        out[name] = JSON.parse(value);
      } catch {
        throw new ServiceError('validation_failed', `${name} must be JSON text`, [
          { field: name, problems: ['must be JSON text'] },
        ]);
      }
    } else if (NUMBER_FIELDS.has(name)) {
      out[name] = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
    } else if (BOOLEAN_FIELDS.has(name)) {
      out[name] = value === 'true' ? true : value === 'false' ? false : value;
    } else {
      out[name] = raw;
    }
  }
  return out;
}
