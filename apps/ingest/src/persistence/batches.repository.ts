import { Injectable } from '@nestjs/common';
import { BatchIngestedEvent, BatchSettingsView, CreateBatchCommand, ValidationCounts } from '@outdial/contracts';
import { Database, quoteIdent, SqlClient } from '@outdial/service-runtime';

/** A stored batch as the hand-over reads it (`batches` row). */
export interface StoredBatch {
  batch_id: string;
  org_id: string;
  name: string;
  agent_id: string;
  provider: BatchIngestedEvent['provider'];
  from_number: string;
  initial_status: BatchIngestedEvent['initial_status'];
  settings: BatchIngestedEvent['settings'];
  variable_columns: string[];
  validation: BatchIngestedEvent['validation'];
  total_contacts: number;
  estimated_cost: number;
  created_at: Date;
  /** Last row (1-based, inclusive) of each hand-over chunk, ascending. */
  chunk_ends: number[];
}

/** What an ingest stores about a batch besides its command. */
export interface NewBatch {
  command: CreateBatchCommand;
  variableColumns: string[];
  /** The validation counts (without the issue list: issues have their own table). */
  validation: ValidationCounts;
  totalContacts: number;
  dialableContacts: number;
  estimatedCost: number;
  createdAt: Date;
  chunkEnds: number[];
}

/**
 * Typed SQL over ingest's `batches`: one row per ingested batch, written once in the ingest's
 * transaction, marked when handed over to the scheduler and reporting, deleted with the batch.
 *
 * Transactions and locks: `insert` and `deleteOwned` take the caller's client and must run inside
 * the caller's transaction (with the batch's contacts and issues: all or nothing). Every other
 * method runs alone on the pool. No row locks are taken: a batch is written by one ingest (its id
 * is the primary key; a second insert fails) and `handed_over_at` is only ever set, so two
 * hand-overs of one batch race harmlessly (their publishes are deduplicated by event id).
 */
@Injectable()
export class BatchesRepository {
  private readonly table: string;

  constructor(private readonly db: Database) {
    this.table = `${quoteIdent(db.schema)}.batches`;
  }

  /** True when a batch with this id was ingested (any org). */
  async exists(batchId: string): Promise<boolean> {
    const rows = await this.db.query(`SELECT 1 FROM ${this.table} WHERE batch_id = $1`, [batchId]);
    return rows.length > 0;
  }

  /** True when the batch exists and belongs to `orgId` (another org's batch is "not found"). */
  async isOwnedBy(batchId: string, orgId: string): Promise<boolean> {
    const rows = await this.db.query(`SELECT 1 FROM ${this.table} WHERE batch_id = $1 AND org_id = $2`, [
      batchId,
      orgId,
    ]);
    return rows.length > 0;
  }

  /** Inserts the batch row; inside the caller's transaction. Fails (23505) if the id exists. */
  async insert(client: SqlClient, batch: NewBatch): Promise<void> {
    const { command } = batch;
    await client.query(
      `INSERT INTO ${this.table} (batch_id, org_id, name, agent_id, provider, from_number, initial_status, settings, variable_columns,
         validation, total_contacts, dialable_contacts, estimated_cost, created_at, chunk_ends)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)`,
      [
        command.batch_id,
        command.org_id,
        command.name,
        command.agent_id,
        command.provider,
        command.from_number,
        command.initial_status,
        JSON.stringify(command.settings),
        JSON.stringify(batch.variableColumns),
        JSON.stringify(batch.validation),
        batch.totalContacts,
        batch.dialableContacts,
        batch.estimatedCost,
        batch.createdAt,
        batch.chunkEnds,
      ],
    );
  }

  /** The whole batch row, or null. */
  async find(batchId: string): Promise<StoredBatch | null> {
    const [batch] = await this.db.query<StoredBatch>(`SELECT * FROM ${this.table} WHERE batch_id = $1`, [batchId]);
    return batch ?? null;
  }

  /** The settings the batch was created with, or null when it is not this org's (or does not exist). */
  async findSettings(batchId: string, orgId: string): Promise<Omit<BatchSettingsView, 'batch_id'> | null> {
    const [row] = await this.db.query<{
      name: string;
      agent_id: string;
      from_number: string;
      settings: Record<string, unknown>;
    }>(`SELECT name, agent_id, from_number, settings FROM ${this.table} WHERE batch_id = $1 AND org_id = $2`, [
      batchId,
      orgId,
    ]);
    return row ?? null;
  }

  /** Ids of batches committed but not handed over (the process died in between), oldest first. */
  async listNotHandedOver(): Promise<string[]> {
    const rows = await this.db.query<{ batch_id: string }>(
      `SELECT batch_id FROM ${this.table} WHERE handed_over_at IS NULL ORDER BY created_at`,
    );
    return rows.map((r) => r.batch_id);
  }

  /** Records that the batch and all its chunks were published. */
  async markHandedOver(batchId: string): Promise<void> {
    await this.db.query(`UPDATE ${this.table} SET handed_over_at = now() WHERE batch_id = $1`, [batchId]);
  }

  /** Deletes the org's batch row; inside the caller's transaction. False when there was none. */
  async deleteOwned(client: SqlClient, batchId: string, orgId: string): Promise<boolean> {
    const result = await client.query(
      `DELETE FROM ${this.table} WHERE batch_id = $1 AND org_id = $2 RETURNING batch_id`,
      [batchId, orgId],
    );
    return (result.rowCount ?? 0) > 0;
  }
}
