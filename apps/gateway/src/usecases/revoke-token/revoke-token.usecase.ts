import { Injectable } from '@nestjs/common';
import { ServiceError } from '@outdial/service-runtime';

import { TokenRevocations } from '../../adapters/token-revocations';
import { DirectoryUnitOfWork } from '../../persistence/directory-unit-of-work';
import { OrgsRepository } from '../../persistence/orgs.repository';
import { TokenRow, TokensRepository } from '../../persistence/tokens.repository';

/** `DELETE /api/tokens/{id}` (owner) and the CLI's `revoke-token`. */
export interface RevokeTokenCommand {
  org_id: string;
  token_id: string;
}

/**
 * Revokes a token, effective at once on every gateway replica: after the commit its cache entry is
 * dropped here and the revocation is broadcast to the others before the answer (TokenRevocations;
 * a request in between cannot put the still-valid token back, see TokenCache.generation). The org's last active
 * owner token cannot be revoked (nobody could manage the org): checked with the org row locked.
 * Errors: 404 `not_found` (unknown or already revoked), 409 `conflict` (last owner token).
 */
@Injectable()
export class RevokeTokenUseCase {
  constructor(
    private readonly unitOfWork: DirectoryUnitOfWork,
    private readonly orgs: OrgsRepository,
    private readonly tokens: TokensRepository,
    private readonly revocations: TokenRevocations,
  ) {}

  async execute(command: RevokeTokenCommand): Promise<TokenRow> {
    const { org_id: orgId, token_id: tokenId } = command;
    const revoked = await this.unitOfWork.run(async (client) => {
      await this.orgs.lock(client, orgId);
      const found = await this.tokens.findActiveInTx(client, orgId, tokenId);
      if (!found) throw new ServiceError('not_found', `token ${tokenId} not found (or already revoked)`);
      if (found.role === 'owner' && (await this.tokens.countActiveOwners(client, orgId)) <= 1) {
        throw new ServiceError(
          'conflict',
          'this is the last owner token of the organization; create another owner token before revoking it',
        );
      }
      return this.tokens.revoke(client, tokenId);
    });
    await this.revocations.revoked(tokenId);
    return revoked;
  }
}
