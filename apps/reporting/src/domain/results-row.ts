import { ContactReadModel } from './contact-read-model';
import { contactErrorMessage } from './contact-error';
import { CellValue, csvLine } from './csv-cells';

/** The fixed columns of the results CSV (SPEC §8); the batch's variable columns follow. */
export const RESULTS_FIXED_COLUMNS = [
  'phone',
  'name',
  'status',
  'attempts',
  'call_id',
  'duration_seconds',
  'recording_url',
  'transcript',
  'error_message',
  'last_attempt_at',
] as const;

/**
 * The variable columns the export adds after the fixed ones: a variable named like a fixed column
 * (a CSV's `name` column is both) is already there, so it is not repeated.
 */
export function exportedVariableColumns(variableColumns: readonly string[]): string[] {
  const fixed = new Set<string>(RESULTS_FIXED_COLUMNS);
  return variableColumns.filter((column) => !fixed.has(column.toLowerCase()));
}

export function resultsHeaderLine(variableColumns: readonly string[]): string {
  return csvLine([...RESULTS_FIXED_COLUMNS, ...exportedVariableColumns(variableColumns)]);
}

/** One contact as a CSV record; variables in the batch's column order, missing ones empty. */
export function resultsRecordValues(contact: ContactReadModel, variableColumns: readonly string[]): CellValue[] {
  const variables = contact.variables ?? {};
  return [
    contact.phone,
    contact.name,
    contact.status,
    contact.attempts,
    contact.call_id,
    contact.duration_seconds,
    contact.recording_url,
    contact.transcript,
    contactErrorMessage(contact),
    contact.last_attempt_at ? contact.last_attempt_at.toISOString() : null,
    ...exportedVariableColumns(variableColumns).map((column) => (Object.prototype.hasOwnProperty.call(variables, column) ? variables[column] : null)),
  ];
}

export function resultsRecordLine(contact: ContactReadModel, variableColumns: readonly string[]): string {
  return csvLine(resultsRecordValues(contact, variableColumns));
}
