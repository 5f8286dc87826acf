import { ContactRecord, RowIssue, ValidationCounts } from '@outdial/contracts';
import { ColumnLayout } from './column-layout';
import { normalizePhone } from './phone-normalizer';

export interface RowPolicy {
  defaultRegion: string;
  invalidPhoneHandling: 'skip' | 'use_as_is';
  isSuppressed: (e164: string) => boolean;
}

export type ContactDraft = Omit<ContactRecord, 'contact_id'>;

/** How many issues the create response carries; the full list is stored and downloadable. */
export const REPORTED_ISSUES = 100;

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Validates rows one by one (SPEC §2): drops empty rows, normalizes phones, reports invalid and
 * duplicate numbers (with the row of the first occurrence), marks suppressed numbers, and keeps
 * the counts of the validation report. Pure: no I/O.
 */
export class ContactRowValidator {
  readonly counts: ValidationCounts = { total_rows: 0, valid_rows: 0, invalid_rows: 0, duplicate_rows: 0, empty_rows: 0, suppressed_rows: 0 };
  readonly issues: RowIssue[] = [];
  private readonly firstRowOf = new Map<string, number>();
  dialable = 0;

  constructor(
    private readonly layout: ColumnLayout,
    private readonly policy: RowPolicy,
  ) {}

  /** Returns the contact to store, or null when the row is dropped. `row` is 1-based over data rows. */
  accept(cells: string[], row: number): ContactDraft | null {
    if (cells.every((c) => c.trim() === '')) {
      this.counts.empty_rows++;
      return null;
    }
    this.counts.total_rows++;
    const raw = (cells[this.layout.phone] ?? '').trim();
    const variables: Record<string, string> = {};
    for (const { index, name } of this.layout.variables) variables[name] = cells[index] ?? '';
    const base = {
      row,
      name: this.nameOf(cells),
      timezone: this.cell(cells, this.layout.timezone) || undefined,
      priority: 0,
      variables,
    };
    if (base.timezone && !isValidTimeZone(base.timezone)) {
      this.issue(row, raw, 'invalid_value', `timezone "${base.timezone}" is not an IANA time zone; the number's zone is used`);
      base.timezone = undefined;
    }
    const priorityCell = this.cell(cells, this.layout.priority);
    if (priorityCell) {
      if (/^-?\d{1,9}$/.test(priorityCell)) base.priority = Number(priorityCell);
      else this.issue(row, raw, 'invalid_value', `priority "${priorityCell}" is not an integer; 0 is used`);
    }

    const phone = normalizePhone(raw, this.policy.defaultRegion);
    if (!phone.ok) {
      this.counts.invalid_rows++;
      this.issue(row, raw, raw === '' ? 'missing_phone' : 'invalid_phone', raw === '' ? 'no phone number' : `${phone.reason}: "${raw}"`);
      if (this.policy.invalidPhoneHandling === 'use_as_is' && raw !== '') {
        return { ...base, phone: raw, status: 'invalid_number' };
      }
      return null;
    }
    const first = this.firstRowOf.get(phone.e164);
    if (first !== undefined) {
      this.counts.duplicate_rows++;
      this.issue(row, phone.e164, 'duplicate_phone', `duplicate of row ${first}`);
      return null;
    }
    this.firstRowOf.set(phone.e164, row);
    this.counts.valid_rows++;
    if (this.policy.isSuppressed(phone.e164)) {
      this.counts.suppressed_rows++;
      this.issue(row, phone.e164, 'suppressed', 'on the do-not-call list; kept as suppressed and never dialed');
      return { ...base, phone: phone.e164, status: 'suppressed' };
    }
    this.dialable++;
    return { ...base, phone: phone.e164, status: 'pending' };
  }

  private cell(cells: string[], index: number | undefined): string {
    return index === undefined ? '' : (cells[index] ?? '').trim();
  }

  private nameOf(cells: string[]): string | undefined {
    const name = this.cell(cells, this.layout.name);
    if (name) return name;
    const full = [this.cell(cells, this.layout.firstName), this.cell(cells, this.layout.lastName)].filter(Boolean).join(' ');
    return full || undefined;
  }

  private issue(row: number, phone: string, code: string, message: string): void {
    this.issues.push({ row, phone, code, message });
  }
}
