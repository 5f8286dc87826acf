import { Inject, Injectable } from '@nestjs/common';
import { SERVICE_CONFIG, ServiceError, UploadStore } from '@outdial/service-runtime';
import type { Request } from 'express';

import { GatewayEnv } from '../../gateway-env';
import { storeFileUrl } from './file-url';
import { formFieldsToRequest } from './form-settings';
import { readJsonBody, receiveMultipart, StoredUpload, storeJsonContacts } from './multipart-upload';

/** A create (or validate) request received: its settings and its contact list in the object store. */
export interface ReceivedCreate {
  settings: Record<string, unknown>;
  upload: StoredUpload;
}

/**
 * The contact list of a create, in any of SPEC §2's forms, streamed into the object store:
 * multipart `file` (CSV or JSON array), JSON body `calls: [...]`, or `file_url` (a form field or a
 * JSON body field).
 */
@Injectable()
export class UploadIntake {
  constructor(
    private readonly uploads: UploadStore,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayEnv,
  ) {}

  async receive(request: Request): Promise<ReceivedCreate> {
    const contentType = request.headers['content-type'] ?? '';
    if (/^multipart\/form-data/i.test(contentType)) {
      const { fields, upload } = await receiveMultipart(request, this.uploads, this.config.GATEWAY_MAX_UPLOAD_BYTES);
      const { file_url: fileUrl, ...rest } = fields;
      if (upload && fileUrl !== undefined) {
        await this.discard(upload);
        throw new ServiceError('validation_failed', 'send either a `file` part or a `file_url` field, not both', [
          { field: 'file_url', problems: ['not with file'] },
        ]);
      }
      if (upload) return { settings: formFieldsToRequest(rest), upload };
      if (fileUrl !== undefined) {
        const settings = formFieldsToRequest(rest);
        return { settings, upload: await this.fromUrl(fileUrl) };
      }
      throw new ServiceError('validation_failed', 'the multipart request has no `file` part (or `file_url` field)', [
        { field: 'file', problems: ['required'] },
      ]);
    }
    if (/^application\/json/i.test(contentType)) {
      const body = await readJsonBody(request, this.config.GATEWAY_MAX_JSON_BYTES);
      if (body === null || typeof body !== 'object' || Array.isArray(body))
        throw new ServiceError('validation_failed', 'the body must be a JSON object');
      const { calls, file_url: fileUrl, ...settings } = body as Record<string, unknown>;
      if (calls !== undefined && fileUrl !== undefined) {
        throw new ServiceError('validation_failed', 'send either `calls` or `file_url`, not both', [
          { field: 'file_url', problems: ['not with calls'] },
        ]);
      }
      if (fileUrl !== undefined) return { settings, upload: await this.fromUrl(fileUrl) };
      if (!Array.isArray(calls))
        throw new ServiceError('validation_failed', '`calls` must be an array of contacts (or give `file_url`)', [
          { field: 'calls', problems: ['must be an array'] },
        ]);
      return { settings, upload: await storeJsonContacts(this.uploads, calls) };
    }
    throw new ServiceError(
      'unsupported_media_type',
      'send multipart/form-data with a `file` part, or application/json with `calls` or `file_url`',
    );
  }

  private fromUrl(fileUrl: unknown): Promise<StoredUpload> {
    return storeFileUrl(this.uploads, fileUrl, {
      importDir: this.config.INGEST_IMPORT_DIR,
      maxBytes: this.config.GATEWAY_MAX_UPLOAD_BYTES,
      timeoutMs: this.config.FILE_URL_TIMEOUT_MS,
      allowPrivateHosts: this.config.FILE_URL_ALLOW_PRIVATE,
    });
  }

  /** Deletes a received upload that no create will use. */
  async discard(upload: StoredUpload): Promise<void> {
    await this.uploads.delete(upload.object_name).catch(() => undefined);
  }
}
