import { contactErrorMessage } from './contact-error';
import { ContactReadModel } from './contact-read-model';
import { CellValue, csvCell, csvLine } from './csv-cells';

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
    ...exportedVariableColumns(variableColumns).map((column) =>
      Object.prototype.hasOwnProperty.call(variables, column) ? variables[column] : null,
    ),
  ];
}

export function resultsRecordLine(contact: ContactReadModel, variableColumns: readonly string[]): string {
  return csvLine(resultsRecordValues(contact, variableColumns));
}

/**
 * A contact as the export reads it: one flat tuple per row (the database driver's array row mode),
 * so that a million-row export builds no object per contact. The timestamp comes already in
 * `toISOString()` form, and the variables come one per exported column (null when missing), in
 * the order of exportedVariableColumns.
 */
export type ResultsTuple = readonly [
  row: number,
  phone: string | null,
  name: string | null,
  status: string,
  final: boolean,
  attempts: number,
  last_outcome: string | null,
  last_attempt_at_iso: string | null,
  duration_seconds: number | null,
  failure_reason: string | null,
  call_id: string | null,
  recording_url: string | null,
  transcript: string | null,
  ...variables: (string | null)[],
];

/** Index of the first variable in a ResultsTuple. */
export const RESULTS_TUPLE_VARIABLES_AT = 13;

/**
 * The CSV record of a ResultsTuple: the same bytes as resultsRecordLine for the same contact
 * (the unit tests hold the two together), without the intermediate values array.
 */
export function resultsTupleLine(tuple: ResultsTuple): string {
  ERROR_INPUT.status = tuple[3];
  ERROR_INPUT.final = tuple[4];
  ERROR_INPUT.last_outcome = tuple[6];
  ERROR_INPUT.failure_reason = tuple[9];
  let line =
    `${csvCell(tuple[1])},${csvCell(tuple[2])},${csvCell(tuple[3])},${csvCell(tuple[5])},${csvCell(tuple[10])},` +
    `${csvCell(tuple[8])},${csvCell(tuple[11])},${csvCell(tuple[12])},${csvCell(contactErrorMessage(ERROR_INPUT))},${csvCell(tuple[7])}`;
  for (let i = RESULTS_TUPLE_VARIABLES_AT; i < tuple.length; i++) line += `,${csvCell(tuple[i] as string | null)}`;
  return `${line}\r\n`;
}

/** Reused for every record (single-threaded, filled right before each synchronous use). */
const ERROR_INPUT: Parameters<typeof contactErrorMessage>[0] = {
  status: '',
  final: false,
  last_outcome: null,
  failure_reason: null,
};
