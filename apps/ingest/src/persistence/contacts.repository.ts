import { Injectable } from '@nestjs/common';
import { Database, quoteIdent, SqlClient } from '@outdial/service-runtime';
import { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

import { ByteAccumulator } from '../domain/byte-accumulator';
import { ContactDraft } from '../domain/contact-row';
import { copyTextValue } from '../domain/copy-text';

/** COPY data is sent to PostgreSQL in pieces of this size (fewer, larger writes). */
const COPY_WRITE_BYTES = 64 * 1024;
const NEWLINE = 0x0a;

type CopyStream = ReturnType<typeof copyFrom>;

/**
 * One `COPY contacts FROM STDIN` in progress: contacts are turned into COPY text lines as they come
 * and sent in pieces of `COPY_WRITE_BYTES`. Made by `ContactsRepository.copyIn`.
 */
export class ContactsCopy {
  private readonly pending = new ByteAccumulator(COPY_WRITE_BYTES);
  private readonly batchId: string;
  private readonly finished: Promise<void>;

  constructor(
    private readonly copy: CopyStream,
    batchId: string,
  ) {
    this.batchId = copyTextValue(batchId);
    this.finished = new Promise<void>((resolve, reject) => {
      copy.on('finish', resolve);
      copy.on('error', reject);
    });
  }

  /**
   * Adds one contact (`variablesJson` is its variables' JSON text). Returns a promise only when the
   * connection is full (backpressure): the caller awaits it before adding more; otherwise nothing,
   * so that the million-row loop awaits once per written piece, not once per row.
   */
  add(contactId: string, contact: ContactDraft, variablesJson: string): Promise<void> | undefined {
    const line =
      `${contactId}\t${this.batchId}\t${contact.row}\t${contact.status === 'invalid_number' ? copyTextValue(contact.phone) : contact.phone}\t` +
      `${copyTextValue(contact.name)}\t${copyTextValue(contact.timezone)}\t${contact.priority}\t${copyTextValue(variablesJson)}\t${contact.status}`;
    let full: Promise<void> | undefined;
    if (this.pending.length > 0 && !this.pending.fits(line, 1) && !this.copy.write(this.pending.take())) {
      full = new Promise((resolve) => this.copy.once('drain', resolve));
    }
    this.pending.append(line);
    this.pending.appendAscii(NEWLINE);
    return full;
  }

  /** Sends what is left and ends the COPY; resolves when PostgreSQL has taken every row. */
  async end(): Promise<void> {
    if (this.pending.length > 0) this.copy.write(this.pending.take());
    this.copy.end();
    await this.finished;
  }

  /** Abandons the COPY (the caller's transaction then rolls back). */
  async abort(error: Error): Promise<void> {
    this.copy.destroy(error);
    await this.finished.catch(() => undefined);
  }
}

/**
 * Typed SQL over ingest's `contacts`: the validated contacts of each batch, written once by the
 * ingest with COPY (a million rows per batch), read back by the hand-over when it resumes after a
 * restart, deleted with the batch.
 *
 * Transactions and locks: `copyIn` and `deleteOfBatch` take the caller's client and must run inside
 * the caller's transaction (the batch row, its contacts and its issues commit together). `chunkJson`
 * runs alone on the pool. No row locks: a batch's contacts are written by one transaction and never
 * updated.
 */
@Injectable()
export class ContactsRepository {
  private readonly table: string;

  constructor(private readonly db: Database) {
    this.table = `${quoteIdent(db.schema)}.contacts`;
  }

  /** Starts a COPY of a batch's contacts on the caller's (transaction's) client. */
  copyIn(client: PoolClient, batchId: string): ContactsCopy {
    const copy = client.query(
      copyFrom(
        `COPY ${this.table} (contact_id, batch_id, row, phone, name, timezone, priority, variables, status) FROM STDIN`,
      ),
    );
    return new ContactsCopy(copy, batchId);
  }

  /**
   * The contacts of rows (`afterRow`, `lastRow`] of the batch as a JSON array of `ContactRecord`s,
   * built by PostgreSQL (no parse and re-stringify here), absent name/timezone left out, in row
   * order: the hand-over's source when there is no spool (resumed after a restart).
   */
  async chunkJson(batchId: string, afterRow: number, lastRow: number): Promise<string> {
    const rows = await this.db.query<{ contacts: string }>(
      `SELECT coalesce(json_agg(json_strip_nulls(json_build_object('contact_id', contact_id::text, 'row', row, 'phone', phone, 'name', name,
                'timezone', timezone, 'priority', priority, 'variables', variables, 'status', status)) ORDER BY row), '[]')::text AS contacts
         FROM ${this.table} WHERE batch_id = $1 AND row > $2 AND row <= $3`,
      [batchId, afterRow, lastRow],
    );
    return rows[0].contacts;
  }

  /** Deletes the batch's contacts; inside the caller's transaction. Returns how many. */
  async deleteOfBatch(client: SqlClient, batchId: string): Promise<number> {
    const result = await client.query(`DELETE FROM ${this.table} WHERE batch_id = $1`, [batchId]);
    return result.rowCount ?? 0;
  }
}
