import { Migration } from '@outdial/service-runtime';

export const INGEST_MIGRATIONS: Migration[] = [
  {
    id: '001_batches_contacts',
    sql: `
      CREATE TABLE {schema}.batches (
        batch_id text PRIMARY KEY,
        org_id text NOT NULL,
        name text NOT NULL,
        agent_id text NOT NULL,
        provider text NOT NULL,
        from_number text NOT NULL,
        initial_status text NOT NULL,
        settings jsonb NOT NULL,
        variable_columns jsonb NOT NULL,
        validation jsonb NOT NULL,
        total_contacts integer NOT NULL,
        dialable_contacts integer NOT NULL,
        estimated_cost numeric NOT NULL,
        created_at timestamptz NOT NULL,
        chunk_ends integer[] NOT NULL,
        handed_over_at timestamptz
      );
      CREATE INDEX batches_not_handed_over ON {schema}.batches (created_at) WHERE handed_over_at IS NULL;

      CREATE TABLE {schema}.contacts (
        contact_id uuid PRIMARY KEY,
        batch_id text NOT NULL,
        row integer NOT NULL,
        phone text NOT NULL,
        name text,
        timezone text,
        priority integer NOT NULL DEFAULT 0,
        variables jsonb NOT NULL,
        status text NOT NULL
      );
      CREATE UNIQUE INDEX contacts_batch_row ON {schema}.contacts (batch_id, row);

      CREATE TABLE {schema}.validation_issues (
        batch_id text NOT NULL,
        row integer NOT NULL,
        phone text NOT NULL,
        code text NOT NULL,
        message text NOT NULL
      );
      CREATE INDEX validation_issues_batch ON {schema}.validation_issues (batch_id, row);

      CREATE TABLE {schema}.suppressed_numbers (
        org_id text NOT NULL,
        phone text NOT NULL,
        reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (org_id, phone)
      );`,
  },
];
