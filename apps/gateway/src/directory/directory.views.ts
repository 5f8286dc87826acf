import { MemberRole } from '@outdial/contracts';
import { AgentView, OrgView, PhoneNumberView, TokenView } from './directory.dto';
import { AgentRow, OrgRow } from './directory-events';
import { PhoneNumberRow, TokenRow } from './directory-store';

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

export function agentView(row: AgentRow): AgentView {
  return {
    agent_id: row.agent_id,
    name: row.name,
    kind: row.kind,
    provider: row.provider,
    variables: row.variables ?? [],
    config: row.config ?? {},
    version: row.version,
    created_at: iso(row.created_at)!,
    updated_at: iso(row.updated_at)!,
  };
}

export function phoneNumberView(row: PhoneNumberRow): PhoneNumberView {
  return { number: row.e164, outbound_enabled: row.outbound_enabled, provider: row.provider, created_at: iso(row.created_at)!, updated_at: iso(row.updated_at)! };
}

export function tokenView(row: TokenRow): TokenView {
  return { token_id: row.token_id, name: row.name, role: row.role, token_hint: row.token_hint ? `…${row.token_hint}` : null, created_at: iso(row.created_at)!, revoked_at: iso(row.revoked_at) };
}

export function orgView(row: OrgRow, role: MemberRole): OrgView {
  return {
    org_id: row.org_id,
    name: row.name,
    max_concurrent_calls: row.max_concurrent_calls,
    calls_per_second: Number(row.calls_per_second),
    compliance_guard: row.compliance_guard,
    version: row.version,
    created_at: iso(row.created_at)!,
    updated_at: iso(row.updated_at)!,
    your_role: role,
  };
}
