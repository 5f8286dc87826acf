import {
  AgentChangedEvent,
  CIRCUIT_BREAKER_DEFAULTS,
  CircuitBreakerSettings,
  OrgSettingsChangedEvent,
  Subjects,
  TypedEvent,
} from '@outdial/contracts';

export interface OrgRow {
  org_id: string;
  name: string;
  max_concurrent_calls: number;
  calls_per_second: string | number;
  compliance_guard: boolean;
  /** The org's auto-pause rule; null = CIRCUIT_BREAKER_DEFAULTS. */
  circuit_breaker?: Partial<CircuitBreakerSettings> | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

/** The org's effective auto-pause rule: its stored settings over the defaults. */
export function circuitBreakerOf(row: Pick<OrgRow, 'circuit_breaker'>): CircuitBreakerSettings {
  return { ...CIRCUIT_BREAKER_DEFAULTS, ...(row.circuit_breaker ?? {}) };
}

export interface AgentRow {
  org_id: string;
  agent_id: string;
  name: string;
  kind: 'voice' | 'text';
  provider: string;
  variables: string[];
  config: Record<string, unknown>;
  /** The provider secrets, sealed (SecretBox); null when the agent has none. Never returned by the API. */
  sealed_secrets?: string | null;
  /** Names of the sealed secrets (e.g. ["api_key"]): what the API may say about them. */
  secret_names?: string[];
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface AgentTombstoneRow {
  org_id: string;
  agent_id: string;
  name: string;
  kind: 'voice' | 'text';
  provider: string;
  version: number;
  deleted_at: Date;
}

/**
 * The event id is fixed by (org, version): re-publishing the same version (the start-up
 * reconciliation) is dropped by JetStream's msgID dedupe or ignored by consumers that keep the
 * highest version, never seen as a new change.
 */
export function orgSettingsEvent(row: OrgRow): TypedEvent {
  const payload: OrgSettingsChangedEvent = {
    event_id: `org_settings:${row.org_id}:v${row.version}`,
    org_id: row.org_id,
    max_concurrent_calls: row.max_concurrent_calls,
    calls_per_second: Number(row.calls_per_second),
    compliance_guard: row.compliance_guard,
    circuit_breaker: circuitBreakerOf(row),
    version: row.version,
    at: new Date(row.updated_at).toISOString(),
  };
  return { subject: Subjects.orgSettingsChanged, payload };
}

export function agentEvent(row: AgentRow): TypedEvent {
  return agentChanged(row, {
    config: row.config ?? {},
    deleted: false,
    at: row.updated_at,
    sealed_secrets: row.sealed_secrets ?? undefined,
  });
}

/** A deleted agent keeps its version sequence: its tombstone is announced like any other change. */
export function agentDeletedEvent(row: AgentTombstoneRow): TypedEvent {
  return agentChanged(row, { config: {}, deleted: true, at: row.deleted_at });
}

function agentChanged(
  row: Pick<AgentRow, 'org_id' | 'agent_id' | 'name' | 'kind' | 'provider' | 'version'>,
  state: { config: Record<string, unknown>; deleted: boolean; at: Date; sealed_secrets?: string },
): TypedEvent {
  const payload: AgentChangedEvent = {
    event_id: `agent:${row.org_id}:${row.agent_id}:v${row.version}`,
    org_id: row.org_id,
    agent_id: row.agent_id,
    name: row.name,
    kind: row.kind,
    provider: row.provider,
    config: state.config,
    deleted: state.deleted,
    version: row.version,
    at: new Date(state.at).toISOString(),
  };
  if (state.sealed_secrets) payload.sealed_secrets = state.sealed_secrets;
  return { subject: Subjects.agentChanged, payload };
}
