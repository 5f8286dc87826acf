import { Controller, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { isVoiceAgentPlatform, ProviderCallEvent, Subjects, VoiceAgentPlatform } from '@outdial/contracts';
import { Clock, EventPublisher, Logger, SERVICE_CONFIG, SERVICE_LOGGER, ServiceError } from '@outdial/service-runtime';
import type { Request } from 'express';
import { Public } from './auth/auth.guard';
import { GatewayEnv } from '../gateway-env';
import { SignatureCheck, verifyOutdialSignature, verifyTwilioSignature } from '../adapters/provider-callbacks/callback-signatures';
import { CallbackFormatError, httpCallbackToEvent, twilioCallbackToEvent } from '../adapters/provider-callbacks/provider-callbacks';
import { DirectoryStore } from '../persistence/directory-store';
import { PLATFORM_WEBHOOKS } from '../adapters/provider-callbacks/platforms/platform-webhooks';
import { WebhookSecrets } from '../adapters/provider-callbacks/platforms/platform-webhook';

/** Callbacks are small; anything larger is not a provider's status event. */
const MAX_CALLBACK_BYTES = 64 * 1024;

/**
 * Status callbacks of real providers: verified here (the signature is the authentication, so the
 * route needs no token), normalized to SPEC §5 and published on the PROVIDER stream, where any
 * dialer replica finishes the attempt. Nothing is published for a callback that fails verification.
 */
@Controller('api/provider-events')
export class ProviderEventsController {
  private readonly log: Logger;

  constructor(
    private readonly publisher: EventPublisher,
    private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayEnv,
    @Inject(SERVICE_LOGGER) logger: Logger,
    private readonly directory: DirectoryStore,
  ) {
    this.log = logger.child({ component: 'provider-events' });
  }

  @Post(':provider')
  @HttpCode(204)
  @Public()
  async receive(@Param('provider') provider: string, @Req() request: Request): Promise<void> {
    const platform = isVoiceAgentPlatform(provider) ? provider : undefined;
    if (provider !== 'http' && provider !== 'twilio' && !platform) throw new ServiceError('not_found', `no provider ${provider}: callbacks are accepted for http, twilio, vapi, retell, elevenlabs, bland and bolna`);
    const raw = await readRawBody(request);
    const event = platform ? await this.platformEvent(platform, request, raw) : provider === 'http' ? this.httpEvent(request, raw) : this.twilioEvent(request, raw);
    if (!event) return;
    await this.publisher.publish(Subjects.providerEvent, event, event.event_id);
    this.log.debug({ provider, attempt_id: event.attempt_id, kind: event.kind, outcome: event.outcome }, 'provider event published');
  }

  private httpEvent(request: Request, raw: Buffer): ProviderCallEvent {
    const secret = this.config.HTTP_PROVIDER_SIGNING_SECRET;
    if (!secret) throw new ServiceError('not_found', 'the http provider is not configured on this platform (HTTP_PROVIDER_SIGNING_SECRET)');
    const body = raw.toString('utf8');
    this.require(
      verifyOutdialSignature(secret, header(request, 'x-outdial-timestamp'), header(request, 'x-outdial-signature'), body, this.clock.nowMs(), this.config.PROVIDER_CALLBACK_TOLERANCE_SECONDS),
      'http',
    );
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new ServiceError('validation_failed', 'the callback body is not JSON', [{ field: '(body)', problems: ['must be JSON'] }]);
    }
    return this.normalized(() => httpCallbackToEvent(parsed, this.clock.now()));
  }

  private twilioEvent(request: Request, raw: Buffer): ProviderCallEvent | null {
    const token = this.config.TWILIO_AUTH_TOKEN;
    if (!token) throw new ServiceError('not_found', 'the twilio provider is not configured on this platform (TWILIO_AUTH_TOKEN)');
    const params = [...new URLSearchParams(raw.toString('utf8')).entries()];
    // Twilio signs the URL it called: our public address plus the path and query as received.
    const url = `${this.config.PUBLIC_BASE_URL.replace(/\/$/, '')}${request.originalUrl}`;
    this.require(verifyTwilioSignature(token, url, params, header(request, 'x-twilio-signature')), 'twilio');
    const attemptId = typeof request.query.attempt_id === 'string' ? request.query.attempt_id : '';
    if (!attemptId) throw new ServiceError('validation_failed', 'the callback URL has no attempt_id', [{ field: 'attempt_id', problems: ['required in the query'] }]);
    // `amd=async` is in the URL the dialer gave Twilio (and signed with it): the call has async AMD.
    const asyncAmd = request.query.amd === 'async';
    return this.normalized(() => twilioCallbackToEvent(attemptId, new Map(params), this.clock.now(), { asyncAmd }));
  }

  /**
   * A voice-agent platform's webhook. The URL names the agent (`?org_id=&agent_id=`, shown as the
   * agent's `webhook_url`), whose secrets (or the platform's env secret) authenticate it; nothing is
   * read from the body before that check passes.
   */
  private async platformEvent(platform: VoiceAgentPlatform, request: Request, raw: Buffer): Promise<ProviderCallEvent | null> {
    const webhook = PLATFORM_WEBHOOKS[platform];
    const query = queryOf(request);
    if (!query.org_id || !query.agent_id) {
      throw new ServiceError('validation_failed', 'the webhook URL must name the agent: ?org_id=...&agent_id=... (the agent\'s webhook_url)', [{ field: 'org_id', problems: ['required in the query, with agent_id'] }]);
    }
    let secrets: WebhookSecrets = {};
    try {
      const agent = await this.directory.agentSecrets(query.org_id, query.agent_id);
      if (agent.provider === platform) secrets = { ...agent.secrets };
    } catch (error) {
      if (!(error instanceof ServiceError && error.code === 'not_found')) throw error;
    }
    secrets.webhook_secret ??= this.platformSecret(platform);
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(request.headers)) headers[name] = Array.isArray(value) ? value[0] : value;
    const body = raw.toString('utf8');
    this.require(webhook.verify({ rawBody: body, headers, query, nowMs: this.clock.nowMs(), toleranceSeconds: this.config.PROVIDER_CALLBACK_TOLERANCE_SECONDS }, secrets), platform);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new ServiceError('validation_failed', 'the webhook body is not JSON', [{ field: '(body)', problems: ['must be JSON'] }]);
    }
    return this.normalized(() => webhook.toEvent(parsed, this.clock.now()));
  }

  private platformSecret(platform: VoiceAgentPlatform): string | undefined {
    switch (platform) {
      case 'vapi':
        return this.config.VAPI_WEBHOOK_SECRET;
      case 'elevenlabs':
        return this.config.ELEVENLABS_WEBHOOK_SECRET;
      case 'bland':
        return this.config.BLAND_WEBHOOK_SECRET;
      case 'bolna':
        return this.config.BOLNA_WEBHOOK_SECRET;
      case 'retell':
        return undefined;
    }
  }

  private require(check: SignatureCheck, provider: string): void {
    if (check.ok) return;
    this.log.warn({ provider, reason: check.reason }, 'provider callback refused');
    throw new ServiceError('unauthorized', `callback signature refused: ${check.reason}`);
  }

  private normalized<T>(map: () => T): T {
    try {
      return map();
    } catch (error) {
      if (error instanceof CallbackFormatError) throw new ServiceError('validation_failed', error.message, [{ field: error.field, problems: [error.message] }]);
      throw error;
    }
  }
}

function header(request: Request, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function queryOf(request: Request): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(request.query)) out[key] = typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : undefined;
  return out;
}

/** The exact bytes received (the global body parser is off): signatures are over them. */
async function readRawBody(request: Request): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_CALLBACK_BYTES) throw new ServiceError('payload_too_large', `a provider callback is at most ${MAX_CALLBACK_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
