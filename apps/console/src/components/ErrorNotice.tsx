import { ApiError } from '../lib/api';

/** An API error as the API words it: code, message and the fields of `details`. */
export function ErrorNotice({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const api = error instanceof ApiError ? error : null;
  const details = api?.details;
  return (
    <div role="alert" className="notice error">
      <strong>{title ?? 'The request failed'}</strong>
      <p>
        {api ? <code className="code">{api.code}</code> : null}{' '}
        {api ? api.message : error instanceof Error ? error.message : String(error)}
      </p>
      {Array.isArray(details) && details.length > 0 ? (
        <ul>
          {details.map((d, i) => (
            <li key={i}>
              {typeof d === 'object' && d !== null && 'field' in d ? (
                <>
                  <code>{String((d as { field: unknown }).field)}</code>:{' '}
                  {((d as { problems?: unknown[] }).problems ?? []).map(String).join('; ')}
                </>
              ) : (
                JSON.stringify(d)
              )}
            </li>
          ))}
        </ul>
      ) : details && typeof details === 'object' ? (
        <ul>
          {Object.entries(details as Record<string, unknown>).map(([k, v]) => (
            <li key={k}>
              <code>{k}</code>:{' '}
              {Array.isArray(v) ? v.join(', ') : typeof v === 'object' ? JSON.stringify(v) : String(v)}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
