import { ServiceError } from '@outdial/service-runtime';

import { TokenCache } from '../../adapters/token-cache';
import { AuthContext } from '../../domain/auth-context';
import { hashToken } from '../../domain/token-hash';
import { TokensRepository } from '../../persistence/tokens.repository';
import { AuthenticateTokenUseCase } from './authenticate-token.usecase';

/** A TokensRepository that knows one active token and counts lookups. */
function fakeTokens(secret: string, identity: AuthContext): TokensRepository & { lookups: number } {
  const fake = {
    lookups: 0,
    async findActiveByHash(hash: string) {
      fake.lookups++;
      return hash === hashToken(secret) ? identity : undefined;
    },
  };
  return fake as unknown as TokensRepository & { lookups: number };
}

describe('AuthenticateTokenUseCase', () => {
  const identity: AuthContext = { org_id: 'org-a', role: 'admin', token_id: 'tok_1' };

  it('takes the bearer token, else x-api-key, and caches what it resolved', async () => {
    const tokens = fakeTokens('od_secret', identity);
    const useCase = new AuthenticateTokenUseCase(tokens, new TokenCache(60_000));
    expect(await useCase.execute({ headers: { authorization: 'Bearer od_secret' } })).toEqual(identity);
    expect(await useCase.execute({ headers: { 'x-api-key': ' od_secret ' } })).toEqual(identity);
    expect(tokens.lookups).toBe(1);
  });

  it('without a cache every request asks the repository', async () => {
    const tokens = fakeTokens('od_secret', identity);
    const useCase = new AuthenticateTokenUseCase(tokens, new TokenCache(0));
    await useCase.execute({ headers: { authorization: 'bearer od_secret' } });
    await useCase.execute({ headers: { authorization: 'Bearer od_secret' } });
    expect(tokens.lookups).toBe(2);
  });

  it('401 without a token or with an unknown one; 403 when x-workspace-id names another org', async () => {
    const useCase = new AuthenticateTokenUseCase(fakeTokens('od_secret', identity), new TokenCache(0));
    await expect(useCase.execute({ headers: {} })).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(useCase.execute({ headers: { authorization: 'Basic abc' } })).rejects.toMatchObject({
      code: 'unauthorized',
    });
    await expect(useCase.execute({ headers: { authorization: 'Bearer wrong' } })).rejects.toBeInstanceOf(ServiceError);
    await expect(
      useCase.execute({ headers: { authorization: 'Bearer od_secret', 'x-workspace-id': 'org-b' } }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    expect(
      await useCase.execute({ headers: { authorization: 'Bearer od_secret', 'x-workspace-id': 'org-a' } }),
    ).toEqual(identity);
  });
});
