import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';

import { ApiError } from '../lib/api';
import { ErrorNotice } from './ErrorNotice';
import { OutcomeChart } from './OutcomeChart';

afterEach(cleanup);

describe('components', () => {
  it('an API error shows its code, message and the fields of details', () => {
    render(
      <ErrorNotice
        error={
          new ApiError(400, 'validation_failed', 'concurrency must be at most 50', [
            { field: 'concurrency', problems: ['max 50'] },
          ])
        }
      />,
    );
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('validation_failed');
    expect(alert.textContent).toContain('concurrency must be at most 50');
    expect(alert.textContent).toContain('concurrency: max 50');
  });

  it('object details are listed key by key', () => {
    render(
      <ErrorNotice
        error={new ApiError(400, 'missing_phone_column', 'no phone column', { headers_found: ['Contact', 'name'] })}
      />,
    );
    expect(screen.getByRole('alert').textContent).toContain('headers_found: Contact, name');
  });

  it('the outcome chart prints every count and share as a table', () => {
    render(
      <OutcomeChart
        counts={[
          { label: 'Successful', value: 3, tone: 'good' },
          { label: 'Failed', value: 1, tone: 'bad' },
        ]}
      />,
    );
    expect(screen.getByRole('rowheader', { name: 'Successful' }).parentElement!.textContent).toContain('75 %');
    expect(screen.getByRole('rowheader', { name: 'Failed' }).parentElement!.textContent).toContain('25 %');
  });
});
