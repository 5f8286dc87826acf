import { Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import {
  Subjects,
  SuppressionAddResult,
  SuppressionImportResult,
  SuppressionListPage,
  SuppressionRemoveResult,
} from '@outdial/contracts';
import { RpcClient, SERVICE_CONFIG, ServiceError, UploadStore } from '@outdial/service-runtime';
import type { Request } from 'express';

import { readJsonBody, receiveMultipart } from '../adapters/uploads/multipart-upload';
import { UploadObjects } from '../adapters/uploads/upload-objects';
import { GatewayEnv } from '../gateway-env';
import { Roles } from './auth/auth.guard';
import { Auth, AuthContext } from './auth/auth-context';

const PAGE_SIZES = [25, 50, 100];
/** Numbers in one JSON add request; larger lists go through the CSV import. */
const MAX_NUMBERS_PER_REQUEST = 10_000;

function region(value: unknown): string {
  if (value === undefined || value === null || value === '') return 'US';
  if (typeof value !== 'string' || !/^[A-Za-z]{2}$/.test(value)) {
    throw new ServiceError('validation_failed', 'default_region must be a two-letter ISO country code', [
      { field: 'default_region', problems: ['two-letter ISO code'] },
    ]);
  }
  return value.toUpperCase();
}

/**
 * The org's do-not-call list (SPEC §2, §9). Ingest owns the list (it consults it on every upload);
 * the gateway checks roles and shapes requests. Numbers are normalized to E.164.
 */
@Controller('api/suppression-list')
export class SuppressionController {
  constructor(
    private readonly rpc: RpcClient,
    private readonly uploadStore: UploadStore,
    private readonly uploads: UploadObjects,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayEnv,
  ) {}

  @Get()
  list(
    @Auth() auth: AuthContext,
    @Query('page') page?: string,
    @Query('page_size') pageSize?: string,
    @Query('search') search?: string,
  ): Promise<SuppressionListPage> {
    const p = page === undefined ? 1 : Number(page);
    const size = pageSize === undefined ? 50 : Number(pageSize);
    if (!Number.isInteger(p) || p < 1)
      throw new ServiceError('validation_failed', 'page must be a positive integer', [
        { field: 'page', problems: ['positive integer'] },
      ]);
    if (!PAGE_SIZES.includes(size))
      throw new ServiceError('validation_failed', `page_size must be one of ${PAGE_SIZES.join(', ')}`, [
        { field: 'page_size', problems: [`one of ${PAGE_SIZES.join(', ')}`] },
      ]);
    return this.rpc.request(Subjects.ingestSuppressionList, {
      org_id: auth.org_id,
      page: p,
      page_size: size,
      ...(search ? { search: search.slice(0, 40) } : {}),
    });
  }

  /**
   * Adds numbers: JSON `{phone_number | phone | numbers: [...], reason?, default_region?}`, or a
   * multipart CSV `file` (same as /import).
   */
  @Post()
  @HttpCode(201)
  @Roles('owner', 'admin')
  async add(
    @Auth() auth: AuthContext,
    @Req() request: Request,
  ): Promise<SuppressionAddResult | SuppressionImportResult> {
    if (/^multipart\/form-data/i.test(request.headers['content-type'] ?? '')) return this.importFile(auth, request);
    if (!/^application\/json/i.test(request.headers['content-type'] ?? '')) {
      throw new ServiceError(
        'unsupported_media_type',
        'send application/json with `phone_number` or `numbers`, or multipart/form-data with a CSV `file`',
      );
    }
    const body = (await readJsonBody(request, 2 * 1024 * 1024)) as Record<string, unknown> | null;
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      throw new ServiceError('validation_failed', 'the body must be a JSON object');
    const single = body.phone_number ?? body.phone;
    const numbers = body.numbers ?? (single !== undefined ? [single] : undefined);
    if (!Array.isArray(numbers) || numbers.length === 0 || numbers.some((n) => typeof n !== 'string')) {
      throw new ServiceError(
        'validation_failed',
        'give `phone_number` (a string) or `numbers` (a non-empty list of strings)',
        [{ field: 'numbers', problems: ['non-empty list of strings'] }],
      );
    }
    if (numbers.length > MAX_NUMBERS_PER_REQUEST) {
      throw new ServiceError(
        'payload_too_large',
        `at most ${MAX_NUMBERS_PER_REQUEST} numbers per request; import larger lists as a CSV file`,
        { limit_numbers: MAX_NUMBERS_PER_REQUEST },
      );
    }
    if (body.reason !== undefined && typeof body.reason !== 'string')
      throw new ServiceError('validation_failed', 'reason must be a string', [
        { field: 'reason', problems: ['string'] },
      ]);
    return this.rpc.request(Subjects.ingestSuppressionAdd, {
      org_id: auth.org_id,
      numbers,
      default_region: region(body.default_region),
      ...(body.reason ? { reason: String(body.reason).slice(0, 500) } : {}),
    });
  }

  /** CSV import: a phone column (as for batches) or a bare list of numbers, one per line. */
  @Post('import')
  @HttpCode(201)
  @Roles('owner', 'admin')
  import(@Auth() auth: AuthContext, @Req() request: Request): Promise<SuppressionImportResult> {
    if (!/^multipart\/form-data/i.test(request.headers['content-type'] ?? '')) {
      throw new ServiceError('unsupported_media_type', 'send multipart/form-data with a CSV `file`');
    }
    return this.importFile(auth, request);
  }

  @Delete(':phone')
  @Roles('owner', 'admin')
  remove(
    @Auth() auth: AuthContext,
    @Param('phone') phone: string,
    @Query('default_region') defaultRegion?: string,
  ): Promise<SuppressionRemoveResult> {
    return this.rpc.request(Subjects.ingestSuppressionRemove, {
      org_id: auth.org_id,
      phone,
      default_region: region(defaultRegion),
    });
  }

  private async importFile(auth: AuthContext, request: Request): Promise<SuppressionImportResult> {
    const { fields, upload } = await receiveMultipart(request, this.uploadStore, this.config.GATEWAY_MAX_UPLOAD_BYTES);
    if (!upload)
      throw new ServiceError('validation_failed', 'the multipart request has no `file` part', [
        { field: 'file', problems: ['required'] },
      ]);
    let defaultRegion: string;
    try {
      defaultRegion = region(fields.default_region);
    } catch (error) {
      await this.uploads.discard(upload);
      throw error;
    }
    return this.rpc.request(
      Subjects.ingestSuppressionImport,
      {
        org_id: auth.org_id,
        upload: {
          object_name: upload.object_name,
          filename: upload.filename,
          content_type: upload.content_type,
          size: upload.size,
        },
        default_region: defaultRegion,
        ...(fields.reason ? { reason: fields.reason.slice(0, 500) } : {}),
      },
      this.config.GATEWAY_CREATE_TIMEOUT_MS,
    );
  }
}
