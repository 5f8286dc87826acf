import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { MemberRole } from '@outdial/contracts';

import { hashToken, newToken } from '../../domain/token-hash';
import { DirectoryUnitOfWork } from '../../persistence/directory-unit-of-work';
import { OrgsRepository } from '../../persistence/orgs.repository';
import { TokenRow, TokensRepository } from '../../persistence/tokens.repository';

/** `POST /api/tokens` (owner) and the CLI's `create-token`. */
export interface CreateTokenCommand {
  org_id: string;
  role: MemberRole;
  name: string;
  /** Who made it: the creating token's id, or `admin-cli`. */
  created_by?: string;
}

/**
 * Creates an API token (org row locked). The secret is returned here only; the database keeps
 * its SHA-256 and its last 4 characters as a hint. Errors: 404 `not_found` (org).
 */
@Injectable()
export class CreateTokenUseCase {
  constructor(
    private readonly unitOfWork: DirectoryUnitOfWork,
    private readonly orgs: OrgsRepository,
    private readonly tokens: TokensRepository,
  ) {}

  async execute(command: CreateTokenCommand): Promise<TokenRow & { token: string }> {
    const token = newToken();
    const tokenId = `tok_${randomUUID().replace(/-/g, '')}`;
    return this.unitOfWork.run(async (client) => {
      await this.orgs.lock(client, command.org_id);
      const row = await this.tokens.insert(client, {
        token_id: tokenId,
        org_id: command.org_id,
        name: command.name,
        role: command.role,
        token_hash: hashToken(token),
        token_hint: token.slice(-4),
        created_by: command.created_by ?? null,
      });
      return { ...row, token };
    });
  }
}
