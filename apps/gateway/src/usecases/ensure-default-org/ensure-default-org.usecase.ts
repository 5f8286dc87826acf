import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { ServiceError } from '@outdial/service-runtime';

import { hashToken, newToken } from '../../domain/token-hash';
import { DirectoryAgentsRepository } from '../../persistence/directory-agents.repository';
import { PhoneNumbersRepository } from '../../persistence/phone-numbers.repository';
import { NewToken, TokensRepository } from '../../persistence/tokens.repository';
import { AddPhoneNumberUseCase } from '../add-phone-number/add-phone-number.usecase';
import { CreateAgentUseCase } from '../create-agent/create-agent.usecase';
import { CreateOrgUseCase } from '../create-org/create-org.usecase';

export const DEFAULT_ORG_ID = 'default';
export const DEMO_AGENT_ID = 'agent-demo';
export const DEMO_FROM_NUMBER = '+12025550100';

/** The CLI's `bootstrap [--token SECRET]`. */
export interface EnsureDefaultOrgCommand {
  /** When given, this secret is (made again, if revoked) an active owner token of org `default`. */
  token?: string;
}

export interface BootstrapResult {
  /** The owner token, when it was created now (shown once). */
  createdToken?: string;
  orgCreated: boolean;
}

/** Runs `fn`; an "already exists" (409) means there is nothing to do. */
async function unlessExists<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof ServiceError && error.code === 'conflict') return undefined;
    throw error;
  }
}

/**
 * SPEC §11: makes sure org `default` exists with an owner token, the voice agent `agent-demo` on
 * the simulated provider and the outbound number +12025550100 (re-created if they were removed).
 * With `token` given, that token is (made again, if revoked) an active owner token; without it, a
 * token is created only if the org is new, and returned once. Goes through the directory's use
 * cases, so every creation is a versioned event in the outbox like any other change.
 */
@Injectable()
export class EnsureDefaultOrgUseCase {
  constructor(
    private readonly createOrg: CreateOrgUseCase,
    private readonly createAgent: CreateAgentUseCase,
    private readonly addPhoneNumber: AddPhoneNumberUseCase,
    private readonly agents: DirectoryAgentsRepository,
    private readonly numbers: PhoneNumbersRepository,
    private readonly tokens: TokensRepository,
  ) {}

  async execute(command: EnsureDefaultOrgCommand): Promise<BootstrapResult> {
    const orgCreated =
      (await unlessExists(() => this.createOrg.execute({ org_id: DEFAULT_ORG_ID, name: 'Default organization' }))) !==
      undefined;
    if (!(await this.agents.find(DEFAULT_ORG_ID, DEMO_AGENT_ID))) {
      await unlessExists(() =>
        this.createAgent.execute({
          org_id: DEFAULT_ORG_ID,
          agent: { agent_id: DEMO_AGENT_ID, name: 'Demo voice agent', kind: 'voice', provider: 'simulated' },
        }),
      );
    }
    if (!(await this.numbers.isRegistered(DEMO_FROM_NUMBER))) {
      await unlessExists(() =>
        this.addPhoneNumber.execute({
          org_id: DEFAULT_ORG_ID,
          e164: DEMO_FROM_NUMBER,
          outbound_enabled: true,
          provider: 'simulated',
        }),
      );
    }
    if (command.token) {
      await this.tokens.upsertOwner(bootstrapToken(command.token));
      return { orgCreated };
    }
    if (!orgCreated) return { orgCreated };
    const created = newToken();
    await this.tokens.insertStandalone(bootstrapToken(created));
    return { orgCreated, createdToken: created };
  }
}

function bootstrapToken(secret: string): NewToken {
  return {
    token_id: `tok_${randomUUID().replace(/-/g, '')}`,
    org_id: DEFAULT_ORG_ID,
    name: 'bootstrap',
    role: 'owner',
    token_hash: hashToken(secret),
    token_hint: secret.slice(-4),
    created_by: 'bootstrap',
  };
}
