import { ContactRecord, RowIssue, ValidationCounts } from '@outdial/contracts';

import { ColumnLayout } from './column-layout';
import { FirstRowTable } from './first-row-table';
import { EMPTY_PHONE_REASON, normalizePhone, PhoneResult } from './phone-normalizer';
import { normalizeSpreadsheetText, trimInvisibleEdges } from './spreadsheet-text';

export interface RowPolicy {
  defaultRegion: string;
  invalidPhoneHandling: 'skip' | 'use_as_is';
  isSuppressed: (e164: string) => boolean;
}

export type ContactDraft = Omit<ContactRecord, 'contact_id'>;

/** How many issues the create response carries; the full list is stored and downloadable. */
export const REPORTED_ISSUES = 100;

const zoneValidity = new Map<string, boolean>();

/** Checking a zone builds an Intl formatter (slow); a file repeats a handful of zones, so cache. */
function isValidTimeZone(zone: string): boolean {
  let valid = zoneValidity.get(zone);
  if (valid === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      valid = true;
    } catch {
      valid = false;
    }
    if (zoneValidity.size < 10_000) zoneValidity.set(zone, valid);
  }
  return valid;
}

/**
 * Validates rows one by one (SPEC §2): drops empty rows, normalizes phones, reports invalid and
 * duplicate numbers (with the row of the first occurrence), marks suppressed numbers, and keeps
 * the counts of the validation report. Pure: no I/O.
 */
export class ContactRowValidator {
  readonly counts: ValidationCounts = {
    total_rows: 0,
    valid_rows: 0,
    invalid_rows: 0,
    duplicate_rows: 0,
    empty_rows: 0,
    suppressed_rows: 0,
  };
  readonly issues: RowIssue[] = [];
  private readonly firstRows = new FirstRowTable();
  dialable = 0;
  /** Contacts returned to be stored (dialable, suppressed, and invalid ones kept as is). */
  stored = 0;

  constructor(
    private readonly layout: ColumnLayout,
    private readonly policy: RowPolicy,
  ) {}

  /** The raw phone cell of a row (what `accept` normalizes), so callers can normalize in bulk. */
  rawPhone(cells: string[]): string {
    return (cells[this.layout.phone] ?? '').trim();
  }

  /**
   * Returns the contact to store, or null when the row is dropped. `row` is 1-based over data rows.
   * `normalized` is the phone's normalization when the caller did it already (worker threads).
   */
  accept(cells: string[], row: number, normalized?: PhoneResult): ContactDraft | null {
    if (isEmptyRow(cells)) {
      this.counts.empty_rows++;
      return null;
    }
    this.counts.total_rows++;
    const raw = this.rawPhone(cells);
    const variables: Record<string, string> = {};
    // Free text keeps its inside; only invisible characters at its ends go (issue 12 §3).
    for (const { index, name } of this.layout.variables) variables[name] = trimInvisibleEdges(cells[index] ?? '');
    // One object per row, built once (the status and phone are settled below): this runs for every row.
    const base: ContactDraft = {
      row,
      phone: raw,
      name: this.nameOf(cells),
      timezone: this.field(cells, this.layout.timezone) || undefined,
      priority: 0,
      variables,
      status: 'pending',
    };
    if (base.timezone && !isValidTimeZone(base.timezone)) {
      this.issue(
        row,
        raw,
        'invalid_value',
        `timezone "${base.timezone}" is not an IANA time zone; the number's zone is used`,
      );
      base.timezone = undefined;
    }
    const priorityCell = this.field(cells, this.layout.priority);
    if (priorityCell) {
      if (/^-?\d{1,9}$/.test(priorityCell)) base.priority = Number(priorityCell);
      else this.issue(row, raw, 'invalid_value', `priority "${priorityCell}" is not an integer; 0 is used`);
    }

    if (this.layout.script !== undefined) {
      const script = (cells[this.layout.script] ?? '').trim();
      if (script !== '' && !isJsonObject(script)) {
        this.issue(row, raw, 'invalid_value', "script is not a JSON object; the agent's own script is used");
        delete variables[this.layout.scriptName ?? 'script'];
      }
    }

    const phone = normalized ?? normalizePhone(raw, this.policy.defaultRegion);
    if (!phone.ok) {
      this.counts.invalid_rows++;
      // A cell of invisible characters only (a zero-width space, bidi marks) holds no number either.
      const missing = raw === '' || phone.reason === EMPTY_PHONE_REASON;
      this.issue(
        row,
        raw,
        missing ? 'missing_phone' : 'invalid_phone',
        missing ? 'no phone number' : `${phone.reason}: "${raw}"`,
      );
      if (this.policy.invalidPhoneHandling === 'use_as_is' && !missing) {
        this.stored++;
        base.status = 'invalid_number';
        return base;
      }
      return null;
    }
    const first = this.firstRows.firstRowOrAdd(phone.e164, row);
    if (first !== undefined) {
      this.counts.duplicate_rows++;
      this.issue(row, phone.e164, 'duplicate_phone', `duplicate of row ${first}`);
      return null;
    }
    this.counts.valid_rows++;
    if (this.policy.isSuppressed(phone.e164)) {
      this.counts.suppressed_rows++;
      this.issue(row, phone.e164, 'suppressed', 'on the do-not-call list; kept as suppressed and never dialed');
      this.stored++;
      base.phone = phone.e164;
      base.status = 'suppressed';
      return base;
    }
    this.dialable++;
    this.stored++;
    base.phone = phone.e164;
    return base;
  }

  private cell(cells: string[], index: number | undefined): string {
    return index === undefined ? '' : trimInvisibleEdges((cells[index] ?? '').trim());
  }

  /** A cell whose characters carry no meaning of their own (time zone, priority): NFKC, no Cf. */
  private field(cells: string[], index: number | undefined): string {
    return index === undefined ? '' : normalizeSpreadsheetText(cells[index] ?? '');
  }

  private nameOf(cells: string[]): string | undefined {
    const name = this.cell(cells, this.layout.name);
    if (name) return name;
    const full = [this.cell(cells, this.layout.firstName), this.cell(cells, this.layout.lastName)]
      .filter(Boolean)
      .join(' ');
    return full || undefined;
  }

  private issue(row: number, phone: string, code: string, message: string): void {
    this.issues.push({ row, phone, code, message });
  }
}

/** A row whose cells are all blank (a loop, not `every` + `trim`: it runs for every row of a file). */
export function isEmptyRow(cells: string[]): boolean {
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (cell.length > 0 && cell.trim() !== '') return false;
  }
  return true;
}

function isJsonObject(text: string): boolean {
  if (text[0] !== '{') return false;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  } catch {
    return false;
  }
}
