import { Injectable } from '@nestjs/common';
import { SecretBox } from '@outdial/service-runtime';

import { AgentRow } from '../domain/directory-events';
import { AgentSecrets, checkedAgentConfig } from '../domain/platform-config';
import { throwIfProblems } from './field-problems';

/** A submitted agent config made ready to store: validated, split, its secrets sealed. */
export interface PreparedAgentConfig {
  config: Record<string, unknown>;
  secrets: AgentSecrets;
  /** The sealed secrets; null when there are none. */
  sealed: string | null;
}

/**
 * Agents' provider secrets at rest (issue 17): sealed with AES-256-GCM under OUTDIAL_SECRETS_KEY
 * (SecretBox), opened only to verify the platform's webhooks and to compare on a PATCH; never
 * returned, logged or published in clear.
 */
@Injectable()
export class AgentSecretsVault {
  constructor(private readonly box: SecretBox) {}

  /** The agent's secrets in clear; {} when it has none. */
  open(row: Pick<AgentRow, 'sealed_secrets'>): AgentSecrets {
    return row.sealed_secrets ? (this.box.open(row.sealed_secrets) as AgentSecrets) : {};
  }

  /** Validates (400 naming each field) and splits a submitted config; seals the merged secrets. */
  prepare(provider: string, submitted: Record<string, unknown>, kept: AgentSecrets): PreparedAgentConfig {
    const { config, secrets, problems } = checkedAgentConfig(provider, submitted, kept);
    throwIfProblems(problems);
    const hasSecrets = Object.keys(secrets).length > 0;
    return { config, secrets, sealed: hasSecrets ? this.box.seal(secrets as Record<string, string>) : null };
  }
}
