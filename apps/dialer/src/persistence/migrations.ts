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
  {
    id: '003_admission',
    sql: `
      -- Who admitted an attempt and when (the call-start rate is measured on admitted_at).
      ALTER TABLE {schema}.attempts ADD COLUMN admitted_by text, ADD COLUMN admitted_at timestamptz;
      -- An open attempt IS a slot (a lease that expires at lease_expires_at): counting the open
      -- attempts of an org or batch is counting its slots, so no counter can drift from the truth.
      CREATE INDEX attempts_open_org_batch_idx ON {schema}.attempts (org_id, batch_id) WHERE status <> 'ended';
      CREATE INDEX attempts_batch_idx ON {schema}.attempts (batch_id);

      -- One row per org: its limits (from v1.org.settings_changed, highest version wins) and its
      -- shared call-rate token bucket. Every admission of the org locks this row: that lock is what
      -- makes the limits hold across replicas.
      CREATE TABLE {schema}.org_budgets (
        org_id text PRIMARY KEY,
        max_concurrent_calls int NOT NULL CHECK (max_concurrent_calls >= 1),
        calls_per_second double precision NOT NULL CHECK (calls_per_second > 0),
        compliance_guard boolean NOT NULL DEFAULT true,
        settings_version int NOT NULL DEFAULT 0,
        tokens double precision NOT NULL,
        refilled_at timestamptz NOT NULL
      );

      -- The latest batch status seen on v1.batch.status_changed (or 'deleted').
      CREATE TABLE {schema}.batch_states (
        batch_id text PRIMARY KEY,
        org_id text NOT NULL,
        status text NOT NULL,
        changed_at timestamptz NOT NULL
      );

      -- Agents as the gateway announces them (provider + non-secret config), highest version wins.
      CREATE TABLE {schema}.agents (
        org_id text NOT NULL,
        agent_id text NOT NULL,
        provider text NOT NULL,
        config jsonb NOT NULL,
        deleted boolean NOT NULL,
        version int NOT NULL,
        PRIMARY KEY (org_id, agent_id)
      );

      -- Deleted batches whose calls were still open: their attempts go once they end.
      CREATE TABLE {schema}.deleted_batches (
        batch_id text PRIMARY KEY,
        deleted_at timestamptz NOT NULL
      );`,
  },
  {
    id: '004_amd_verdicts',
    sql: `
      -- Who answered, as answering-machine detection said (Twilio AnsweredBy), once known.
      ALTER TABLE {schema}.attempts ADD COLUMN answered_by text;
      -- The agent asked to hang up on a machine (config hangup_on_machine): done at the verdict.
      ALTER TABLE {schema}.attempts ADD COLUMN hangup_on_machine boolean NOT NULL DEFAULT false;
      -- An attempt ended 'completed' while its asynchronous AMD verdict was still owed: its
      -- call-finished is held until the verdict arrives or this instant passes (see the late-event
      -- table in domain/attempt-transitions.ts). NULL: nothing held.
      ALTER TABLE {schema}.attempts ADD COLUMN report_held_until timestamptz;
      ALTER TABLE {schema}.attempts ADD CONSTRAINT attempts_held_only_when_ended CHECK (report_held_until IS NULL OR status = 'ended');
      CREATE INDEX attempts_report_held_idx ON {schema}.attempts (report_held_until) WHERE report_held_until IS NOT NULL;`,
  },
  {
    id: '005_voice_agent_platforms',
    sql: `
      -- Agents' provider secrets as the gateway sealed them (AES-256-GCM, OUTDIAL_SECRETS_KEY); opened only to dial.
      ALTER TABLE {schema}.agents ADD COLUMN sealed_secrets text;
      -- The agent of an attempt (its per-agent max_concurrent_calls counts open attempts), and the
      -- platform's own cost of the call when its webhook says.
      ALTER TABLE {schema}.attempts ADD COLUMN agent_id text, ADD COLUMN cost numeric;
      CREATE INDEX attempts_open_agent_idx ON {schema}.attempts (org_id, agent_id) WHERE status <> 'ended';
      -- Webhooks that do not name the attempt (ElevenLabs' initiation failures) find it by the platform's call id.
      CREATE INDEX attempts_provider_call_idx ON {schema}.attempts (provider, provider_call_id) WHERE provider_call_id IS NOT NULL;`,
  },
];
