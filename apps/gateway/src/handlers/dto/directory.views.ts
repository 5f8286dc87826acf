import { MemberRole } from '@outdial/contracts';

import { AgentRow, circuitBreakerOf, OrgRow } from '../../domain/directory-events';
import { agentWebhookUrl } from '../../domain/platform-config';
import { PhoneNumberRow } from '../../persistence/phone-numbers.repository';
import { TokenRow } from '../../persistence/tokens.repository';
import { AgentView, OrgView, PhoneNumberView, TokenView } from './directory.dto';

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

/**
 * An agent as the API shows it: never its secrets (only which are set), plus, for voice-agent
 * platforms, the webhook URL to register at the platform when `publicBaseUrl` is given.
 */
export function agentView(row: AgentRow, publicBaseUrl?: string): AgentView {
  const webhookUrl = publicBaseUrl ? agentWebhookUrl(publicBaseUrl, row.provider, row.org_id, row.agent_id) : undefined;
  return {
    agent_id: row.agent_id,
    name: row.name,
    kind: row.kind,
    provider: row.provider,
    variables: row.variables ?? [],
    config: row.config ?? {},
    secrets_set: row.sealed_secrets ? (row.secret_names ?? []) : [],
    ...(webhookUrl ? { webhook_url: webhookUrl } : {}),
    version: row.version,
    created_at: iso(row.created_at)!,
    updated_at: iso(row.updated_at)!,
  };
}

export function phoneNumberView(row: PhoneNumberRow): PhoneNumberView {
  return {
    number: row.e164,
    outbound_enabled: row.outbound_enabled,
    provider: row.provider,
    created_at: iso(row.created_at)!,
    updated_at: iso(row.updated_at)!,
  };
}

export function tokenView(row: TokenRow): TokenView {
  return {
    token_id: row.token_id,
    name: row.name,
    role: row.role,
    token_hint: row.token_hint ? `…${row.token_hint}` : null,
    created_at: iso(row.created_at)!,
    revoked_at: iso(row.revoked_at),
  };
}

export function orgView(row: OrgRow, role: MemberRole): OrgView {
  return {
    org_id: row.org_id,
    name: row.name,
    max_concurrent_calls: row.max_concurrent_calls,
    calls_per_second: Number(row.calls_per_second),
    compliance_guard: row.compliance_guard,
    circuit_breaker: circuitBreakerOf(row),
    version: row.version,
    created_at: iso(row.created_at)!,
    updated_at: iso(row.updated_at)!,
    your_role: role,
  };
}
