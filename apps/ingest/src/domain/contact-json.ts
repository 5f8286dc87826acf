import { ContactDraft } from './contact-row';

/**
 * One contact of a hand-over message (`ContactRecord`) as JSON text, built by concatenation: it
 * runs for every row of a file, and the caller has the variables' JSON already (it stores it too).
 * Absent name and timezone are left out, as the database path's json_strip_nulls does. The id (a
 * UUID) and the status (a fixed word) need no escaping; every other string is escaped.
 */
export function contactJson(contactId: string, contact: ContactDraft, variablesJson: string): string {
  // A stored number is E.164 ("+" and digits) unless kept as written (invalid_number).
  const phone = contact.status === 'invalid_number' ? JSON.stringify(contact.phone) : `"${contact.phone}"`;
  let json = `{"contact_id":"${contactId}","row":${contact.row},"phone":${phone}`;
  if (contact.name !== undefined) json += `,"name":${JSON.stringify(contact.name)}`;
  if (contact.timezone !== undefined) json += `,"timezone":${JSON.stringify(contact.timezone)}`;
  return `${json},"priority":${contact.priority},"variables":${variablesJson},"status":"${contact.status}"}`;
}
