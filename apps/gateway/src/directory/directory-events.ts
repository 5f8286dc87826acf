import { AgentChangedEvent, OrgSettingsChangedEvent, Subjects } from '@outdial/contracts';
import type { OutboxEvent } from '@outdial/service-runtime';

export interface OrgRow {
  org_id: string;
  name: string;
  max_concurrent_calls: number;
  calls_per_second: string | number;
  compliance_guard: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface AgentRow {
  org_id: string;
  agent_id: string;
  name: string;
  kind: 'voice' | 'text';
  provider: string;
  variables: string[];
  config: Record<string, unknown>;
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
export function orgSettingsEvent(row: OrgRow): OutboxEvent {
  const payload: OrgSettingsChangedEvent = {
    event_id: `org_settings:${row.org_id}:v${row.version}`,
    org_id: row.org_id,
    max_concurrent_calls: row.max_concurrent_calls,
    calls_per_second: Number(row.calls_per_second),
    compliance_guard: row.compliance_guard,
    version: row.version,
    at: new Date(row.updated_at).toISOString(),
  };
  return { subject: Subjects.orgSettingsChanged, payload };
}

export function agentEvent(row: AgentRow): OutboxEvent {
  const payload: AgentChangedEvent = {
    event_id: `agent:${row.org_id}:${row.agent_id}:v${row.version}`,
    org_id: row.org_id,
    agent_id: row.agent_id,
    name: row.name,
    kind: row.kind,
    provider: row.provider,
    config: row.config ?? {},
    deleted: false,
    version: row.version,
    at: new Date(row.updated_at).toISOString(),
  };
  return { subject: Subjects.agentChanged, payload };
}

export function agentDeletedEvent(row: AgentTombstoneRow): OutboxEvent {
  const payload: AgentChangedEvent = {
    event_id: `agent:${row.org_id}:${row.agent_id}:v${row.version}`,
    org_id: row.org_id,
    agent_id: row.agent_id,
    name: row.name,
    kind: row.kind,
    provider: row.provider,
    config: {},
    deleted: true,
    version: row.version,
    at: new Date(row.deleted_at).toISOString(),
  };
  return { subject: Subjects.agentChanged, payload };
}
