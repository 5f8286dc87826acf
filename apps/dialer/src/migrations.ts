import { Migration } from '@outdial/service-runtime';

/** The dialer's schema (`dialer`): its attempts, and the simulated carrier's own calls. */
export const DIALER_MIGRATIONS: Migration[] = [
  {
    id: '001_attempts',
    sql: `
      CREATE TABLE {schema}.attempts (
        attempt_id text PRIMARY KEY,
        contact_id text NOT NULL,
        attempt int NOT NULL CHECK (attempt >= 1),
        batch_id text NOT NULL,
        org_id text NOT NULL,
        provider text NOT NULL,
        provider_call_id text,
        status text NOT NULL CHECK (status IN ('admitted', 'dialing', 'ringing', 'in_progress', 'ended')),
        outcome text,
        requested_at timestamptz NOT NULL,
        started_at timestamptz,
        answered_at timestamptz,
        ended_at timestamptz,
        duration_seconds numeric,
        failure_reason text,
        recording_url text,
        transcript text,
        lease_expires_at timestamptz NOT NULL,
        timeout_seconds int NOT NULL,
        -- At most once per attempt: a second admission of the same (contact, attempt) conflicts here.
        UNIQUE (contact_id, attempt),
        CHECK ((status = 'ended') = (outcome IS NOT NULL AND ended_at IS NOT NULL))
      );
      -- The reaper only ever looks at attempts still open.
      CREATE INDEX attempts_open_lease_idx ON {schema}.attempts (lease_expires_at) WHERE status <> 'ended';`,
  },
  {
    id: '002_sim_calls',
    sql: `
      -- The simulated carrier's own state. It stands for an external system: never joined with attempts.
      CREATE TABLE {schema}.sim_calls (
        call_id text PRIMARY KEY,
        attempt_id text NOT NULL,
        to_phone text NOT NULL,
        outcome text NOT NULL,
        placed_at timestamptz NOT NULL,
        answer_due_at timestamptz,
        end_due_at timestamptz NOT NULL,
        state text NOT NULL CHECK (state IN ('ringing', 'answered', 'ended')),
        answered_at timestamptz,
        ended_at timestamptz,
        duration_seconds numeric
      );
      -- The sweeper only ever looks at calls still live.
      CREATE INDEX sim_calls_live_idx ON {schema}.sim_calls (end_due_at) WHERE state <> 'ended';`,
  },
];
