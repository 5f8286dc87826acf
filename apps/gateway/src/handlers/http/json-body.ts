import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { flattenValidationErrors } from '@outdial/contracts';
import { ServiceError } from '@outdial/service-runtime';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { Request } from 'express';

/** Directory and settings bodies are small; anything larger is a mistake (413). */
export const SMALL_BODY_LIMIT_BYTES = 64 * 1024;

/**
 * Reads a JSON body (the global body parser is off so uploads can stream) and validates it
 * against `cls` with class-validator. It runs after the guards, so a request without a token is a
 * 401 before its body is looked at. Errors: 415 not JSON, 413 too large, 400 malformed or invalid
 * (`details` lists every field with its problems; unknown fields are errors too, so typos never
 * pass silently).
 */
export const JsonBody = createParamDecorator(async (cls: new () => object, ctx: ExecutionContext): Promise<object> => {
  const request = ctx.switchToHttp().getRequest<Request & { jsonBody?: unknown }>();
  const raw = await readSmallJson(request);
  return validateBody(cls, raw);
});

export async function readSmallJson(request: Request, maxBytes = SMALL_BODY_LIMIT_BYTES): Promise<unknown> {
  const contentType = String(request.headers['content-type'] ?? '');
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(contentType)) {
    throw new ServiceError(
      'unsupported_media_type',
      `send the body as application/json (got ${contentType || 'no Content-Type'})`,
      { content_type: contentType || null },
    );
  }
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge(maxBytes);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '')
    throw new ServiceError('validation_failed', 'the body is empty; send a JSON object', [
      { field: '(body)', problems: ['must be a JSON object'] },
    ]);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ServiceError('validation_failed', `the body is not valid JSON: ${(error as Error).message}`, [
      { field: '(body)', problems: ['must be valid JSON'] },
    ]);
  }
}

/** `allowUnknown`: ignore fields the class does not declare (compatibility routes: other clients send extras). */
export function validateBody<T extends object>(
  cls: new () => T,
  raw: unknown,
  options: { allowUnknown?: boolean } = {},
): T {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ServiceError('validation_failed', 'the body must be a JSON object', [
      { field: '(body)', problems: ['must be a JSON object'] },
    ]);
  }
  const instance = plainToInstance(cls, raw);
  const errors = validateSync(instance, {
    whitelist: true,
    forbidNonWhitelisted: !options.allowUnknown,
    forbidUnknownValues: false,
  });
  if (errors.length > 0) {
    const details = flattenValidationErrors(errors);
    throw new ServiceError(
      'validation_failed',
      `invalid request: ${details.map((d) => `${d.field}: ${d.problems.join(', ')}`).join('; ')}`,
      details,
    );
  }
  return instance;
}

function tooLarge(maxBytes: number): ServiceError {
  return new ServiceError('payload_too_large', `the body is larger than the limit of ${maxBytes} bytes`, {
    limit_bytes: maxBytes,
  });
}
