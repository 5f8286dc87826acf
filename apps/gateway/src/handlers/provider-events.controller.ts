import { Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ServiceError } from '@outdial/service-runtime';
import type { Request } from 'express';

import { ReceiveProviderCallbackUseCase } from '../usecases/receive-provider-callback/receive-provider-callback.usecase';
import { Public } from './auth/auth.guard';

/** Callbacks are small; anything larger is not a provider's status event. */
const MAX_CALLBACK_BYTES = 64 * 1024;

/**
 * Status callbacks of real providers: the request as received (raw bytes, headers, query) goes to
 * ReceiveProviderCallbackUseCase, which verifies, normalizes and publishes. No token: the
 * signature is the authentication.
 */
@Controller('api/provider-events')
export class ProviderEventsController {
  constructor(private readonly receiveCallback: ReceiveProviderCallbackUseCase) {}

  @Post(':provider')
  @HttpCode(204)
  @Public()
  async receive(@Param('provider') provider: string, @Req() request: Request): Promise<void> {
    await this.receiveCallback.execute({
      provider,
      read_body: () => readRawBody(request),
      headers: headersOf(request),
      query: queryOf(request),
      original_url: request.originalUrl,
    });
  }
}

function headersOf(request: Request): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name] = Array.isArray(value) ? value[0] : value;
  return headers;
}

function queryOf(request: Request): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(request.query))
    out[key] =
      typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : undefined;
  return out;
}

/** The exact bytes received (the global body parser is off): signatures are over them. */
async function readRawBody(request: Request): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_CALLBACK_BYTES)
      throw new ServiceError('payload_too_large', `a provider callback is at most ${MAX_CALLBACK_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
