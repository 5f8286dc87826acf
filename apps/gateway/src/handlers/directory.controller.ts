import { Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { SERVICE_CONFIG, ServiceError } from '@outdial/service-runtime';

import { AgentRow } from '../domain/directory-events';
import { E164_PATTERN } from '../domain/directory-rules';
import { GatewayEnv } from '../gateway-env';
import { DirectoryAgentsRepository } from '../persistence/directory-agents.repository';
import { OrgsRepository } from '../persistence/orgs.repository';
import { PhoneNumbersRepository } from '../persistence/phone-numbers.repository';
import { TokensRepository } from '../persistence/tokens.repository';
import { AddPhoneNumberUseCase } from '../usecases/add-phone-number/add-phone-number.usecase';
import { CreateAgentUseCase } from '../usecases/create-agent/create-agent.usecase';
import { CreateTokenUseCase } from '../usecases/create-token/create-token.usecase';
import { DeleteAgentUseCase } from '../usecases/delete-agent/delete-agent.usecase';
import { RemovePhoneNumberUseCase } from '../usecases/remove-phone-number/remove-phone-number.usecase';
import { RevokeTokenUseCase } from '../usecases/revoke-token/revoke-token.usecase';
import { UpdateAgentUseCase } from '../usecases/update-agent/update-agent.usecase';
import { UpdateOrgUseCase } from '../usecases/update-org/update-org.usecase';
import { UpdatePhoneNumberUseCase } from '../usecases/update-phone-number/update-phone-number.usecase';
import { Roles } from './auth/auth.guard';
import { Auth, AuthContext } from './auth/auth-context';
import {
  AgentList,
  AgentView,
  CreateAgentBody,
  CreatedToken,
  CreatePhoneNumberBody,
  CreateTokenBody,
  OrgView,
  PhoneNumberList,
  PhoneNumberView,
  TokenList,
  UpdateAgentBody,
  UpdateOrgBody,
  UpdatePhoneNumberBody,
} from './dto/directory.dto';
import { agentView, orgView, phoneNumberView, tokenView } from './dto/directory.views';
import { JsonBody } from './http/json-body';
import { pageParams } from './http/page-params';

const PAGE_QUERIES = [
  ApiQuery({ name: 'page', required: false, schema: { type: 'integer', minimum: 1, default: 1 } }),
  ApiQuery({ name: 'page_size', required: false, schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } }),
];
const applyAll =
  (decorators: MethodDecorator[]): MethodDecorator =>
  (target, key, descriptor) => {
    for (const d of decorators) d(target, key, descriptor);
  };

@ApiTags('agents')
@Controller('api/agents')
export class AgentsController {
  constructor(
    private readonly agents: DirectoryAgentsRepository,
    private readonly createAgent: CreateAgentUseCase,
    private readonly updateAgent: UpdateAgentUseCase,
    private readonly deleteAgent: DeleteAgentUseCase,
    @Inject(SERVICE_CONFIG) private readonly env: GatewayEnv,
  ) {}

  private view = (row: AgentRow): AgentView => agentView(row, this.env.PUBLIC_BASE_URL);

  @Get()
  @ApiOperation({ summary: "List the org's agents" })
  @applyAll(PAGE_QUERIES)
  @ApiOkResponse({ type: AgentList })
  async list(@Auth() auth: AuthContext, @Query() query: Record<string, unknown>): Promise<AgentList> {
    const page = await this.agents.list(auth.org_id, pageParams(query));
    return { ...page, items: page.items.map(this.view) };
  }

  @Get(':agent_id')
  @ApiOperation({ summary: 'One agent' })
  @ApiOkResponse({ type: AgentView })
  async get(@Auth() auth: AuthContext, @Param('agent_id') agentId: string): Promise<AgentView> {
    return this.view(await this.agents.get(auth.org_id, agentId));
  }

  @Post()
  @HttpCode(201)
  @Roles('owner', 'admin')
  @ApiOperation({
    summary: 'Create an agent (owner, admin)',
    description: "Publishes AgentChangedEvent so dialers learn the agent's provider config.",
  })
  @ApiBody({ type: CreateAgentBody })
  @ApiCreatedResponse({ type: AgentView })
  async create(@Auth() auth: AuthContext, @JsonBody(CreateAgentBody) body: CreateAgentBody): Promise<AgentView> {
    return this.view(await this.createAgent.execute({ org_id: auth.org_id, agent: body }));
  }

  @Patch(':agent_id')
  @Roles('owner', 'admin')
  @ApiOperation({
    summary: 'Change an agent (owner, admin)',
    description: 'Only the given fields change; `config` is replaced whole.',
  })
  @ApiBody({ type: UpdateAgentBody })
  @ApiOkResponse({ type: AgentView })
  async update(
    @Auth() auth: AuthContext,
    @Param('agent_id') agentId: string,
    @JsonBody(UpdateAgentBody) body: UpdateAgentBody,
  ): Promise<AgentView> {
    return this.view(await this.updateAgent.execute({ org_id: auth.org_id, agent_id: agentId, changes: body }));
  }

  @Delete(':agent_id')
  @HttpCode(204)
  @Roles('owner', 'admin')
  @ApiOperation({
    summary: 'Delete an agent (owner, admin)',
    description: 'New batches can no longer use it; dialers learn it through AgentChangedEvent (deleted: true).',
  })
  @ApiNoContentResponse()
  async remove(@Auth() auth: AuthContext, @Param('agent_id') agentId: string): Promise<void> {
    await this.deleteAgent.execute({ org_id: auth.org_id, agent_id: agentId });
  }
}

/** `+` may arrive as `%2B` (decoded by the router) or raw; a space means a `+` that a form encoder turned into one. */
function numberParam(raw: string): string {
  const value = raw.trim().replace(/^ /, '+');
  const normalized = value.startsWith('+') ? value : `+${value}`;
  if (!E164_PATTERN.test(normalized))
    throw new ServiceError('validation_failed', 'number must be E.164, e.g. +12025550123', [
      { field: 'number', problems: ['must be E.164'] },
    ]);
  return normalized;
}

@ApiTags('phone numbers')
@Controller('api/phone-numbers')
export class PhoneNumbersController {
  constructor(
    private readonly numbers: PhoneNumbersRepository,
    private readonly addNumber: AddPhoneNumberUseCase,
    private readonly updateNumber: UpdatePhoneNumberUseCase,
    private readonly removeNumber: RemovePhoneNumberUseCase,
  ) {}

  @Get()
  @ApiOperation({ summary: "List the org's caller numbers" })
  @applyAll(PAGE_QUERIES)
  @ApiOkResponse({ type: PhoneNumberList })
  async list(@Auth() auth: AuthContext, @Query() query: Record<string, unknown>): Promise<PhoneNumberList> {
    const page = await this.numbers.list(auth.org_id, pageParams(query));
    return { ...page, items: page.items.map(phoneNumberView) };
  }

  @Get(':number')
  @ApiOperation({ summary: 'One caller number' })
  @ApiParam({ name: 'number', description: 'E.164, `+` URL-encoded as %2B or raw', example: '+12025550100' })
  @ApiOkResponse({ type: PhoneNumberView })
  async get(@Auth() auth: AuthContext, @Param('number') number: string): Promise<PhoneNumberView> {
    return phoneNumberView(await this.numbers.get(auth.org_id, numberParam(number)));
  }

  @Post()
  @HttpCode(201)
  @Roles('owner', 'admin')
  @ApiOperation({ summary: 'Register a caller number (owner, admin)' })
  @ApiBody({ type: CreatePhoneNumberBody })
  @ApiCreatedResponse({ type: PhoneNumberView })
  async create(
    @Auth() auth: AuthContext,
    @JsonBody(CreatePhoneNumberBody) body: CreatePhoneNumberBody,
  ): Promise<PhoneNumberView> {
    return phoneNumberView(
      await this.addNumber.execute({
        org_id: auth.org_id,
        e164: body.number,
        outbound_enabled: body.outbound_enabled ?? true,
        provider: body.provider ?? 'simulated',
      }),
    );
  }

  @Patch(':number')
  @Roles('owner', 'admin')
  @ApiOperation({ summary: 'Enable/disable outbound calls or change the provider (owner, admin)' })
  @ApiParam({ name: 'number', example: '+12025550100' })
  @ApiBody({ type: UpdatePhoneNumberBody })
  @ApiOkResponse({ type: PhoneNumberView })
  async update(
    @Auth() auth: AuthContext,
    @Param('number') number: string,
    @JsonBody(UpdatePhoneNumberBody) body: UpdatePhoneNumberBody,
  ): Promise<PhoneNumberView> {
    return phoneNumberView(
      await this.updateNumber.execute({
        org_id: auth.org_id,
        e164: numberParam(number),
        outbound_enabled: body.outbound_enabled,
        provider: body.provider,
      }),
    );
  }

  @Delete(':number')
  @HttpCode(204)
  @Roles('owner', 'admin')
  @ApiOperation({ summary: 'Remove a caller number (owner, admin)' })
  @ApiParam({ name: 'number', example: '+12025550100' })
  @ApiNoContentResponse()
  async remove(@Auth() auth: AuthContext, @Param('number') number: string): Promise<void> {
    await this.removeNumber.execute({ org_id: auth.org_id, e164: numberParam(number) });
  }
}

@ApiTags('tokens')
@Controller('api/tokens')
export class TokensController {
  constructor(
    private readonly tokens: TokensRepository,
    private readonly createToken: CreateTokenUseCase,
    private readonly revokeToken: RevokeTokenUseCase,
  ) {}

  @Get()
  @Roles('owner')
  @ApiOperation({
    summary: "List the org's tokens, revoked ones included (owner)",
    description: 'Secrets are never shown again; `token_hint` is the last characters.',
  })
  @applyAll(PAGE_QUERIES)
  @ApiOkResponse({ type: TokenList })
  async list(@Auth() auth: AuthContext, @Query() query: Record<string, unknown>): Promise<TokenList> {
    const page = await this.tokens.list(auth.org_id, pageParams(query));
    return { ...page, items: page.items.map(tokenView) };
  }

  @Post()
  @HttpCode(201)
  @Roles('owner')
  @ApiOperation({
    summary: 'Create a token (owner)',
    description: 'The `token` secret is in this response only; the gateway stores its SHA-256.',
  })
  @ApiBody({ type: CreateTokenBody })
  @ApiCreatedResponse({ type: CreatedToken })
  async create(@Auth() auth: AuthContext, @JsonBody(CreateTokenBody) body: CreateTokenBody): Promise<CreatedToken> {
    const created = await this.createToken.execute({
      org_id: auth.org_id,
      role: body.role,
      name: body.name,
      created_by: auth.token_id,
    });
    return { ...tokenView(created), token: created.token };
  }

  @Delete(':token_id')
  @HttpCode(204)
  @Roles('owner')
  @ApiOperation({
    summary: 'Revoke a token (owner)',
    description: 'Effective at once. The last active owner token cannot be revoked (409).',
  })
  @ApiNoContentResponse()
  async revoke(@Auth() auth: AuthContext, @Param('token_id') tokenId: string): Promise<void> {
    await this.revokeToken.execute({ org_id: auth.org_id, token_id: tokenId });
  }
}

@ApiTags('org')
@Controller('api/org')
export class OrgController {
  constructor(
    private readonly orgs: OrgsRepository,
    private readonly updateOrg: UpdateOrgUseCase,
  ) {}

  @Get()
  @ApiOperation({ summary: "The org's settings and limits" })
  @ApiOkResponse({ type: OrgView })
  async get(@Auth() auth: AuthContext): Promise<OrgView> {
    return orgView(await this.orgs.get(auth.org_id), auth.role);
  }

  @Patch()
  @Roles('owner')
  @ApiOperation({
    summary: "Change the org's name, limits or compliance guard (owner)",
    description: 'Publishes OrgSettingsChangedEvent: schedulers and dialers apply new limits within moments.',
  })
  @ApiBody({ type: UpdateOrgBody })
  @ApiOkResponse({ type: OrgView })
  async update(@Auth() auth: AuthContext, @JsonBody(UpdateOrgBody) body: UpdateOrgBody): Promise<OrgView> {
    if (Object.values(body).every((value) => value === undefined)) {
      throw new ServiceError(
        'validation_failed',
        'nothing to change: send name, max_concurrent_calls, calls_per_second, compliance_guard or circuit_breaker',
        [
          {
            field: '(body)',
            problems: [
              'must contain at least one of name, max_concurrent_calls, calls_per_second, compliance_guard, circuit_breaker',
            ],
          },
        ],
      );
    }
    return orgView(await this.updateOrg.execute({ org_id: auth.org_id, changes: body }), auth.role);
  }
}
