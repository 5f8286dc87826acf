import { AuthContext } from '../../domain/auth-context';

/** `POST /api/batch-calls/{id}/redial`: the caller, the original batch and the JSON body `{statuses: [...], ...settings}`. */
export interface RedialBatchCommand {
  auth: AuthContext;
  batch_id: string;
  body: Record<string, unknown>;
}
