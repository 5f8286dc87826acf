import * as AlertDialog from '@radix-ui/react-alert-dialog';
import { ReactNode, useState } from 'react';

import { ErrorNotice } from './ErrorNotice';

/**
 * A button that asks before it acts (Radix AlertDialog: focus trapped, Escape cancels, labelled).
 * `irreversible` adds "This cannot be undone." to the question. The dialog stays open with the
 * API's error when the action fails.
 */
export function ConfirmAction(props: {
  label: string;
  title: string;
  description: ReactNode;
  confirmLabel?: string;
  irreversible?: boolean;
  danger?: boolean;
  onConfirm: () => Promise<unknown>;
  children?: ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await props.onConfirm();
      setOpen(false);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <AlertDialog.Root
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (!o) setError(null);
      }}
    >
      <AlertDialog.Trigger asChild>
        <button type="button" className={props.danger ? 'button danger' : 'button'}>
          {props.label}
        </button>
      </AlertDialog.Trigger>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="dialog-overlay" />
        <AlertDialog.Content className="dialog">
          <AlertDialog.Title>{props.title}</AlertDialog.Title>
          <AlertDialog.Description asChild>
            <div>
              <p>{props.description}</p>
              <p className={props.irreversible ? 'warning-text' : 'muted'}>
                {props.irreversible ? 'This cannot be undone.' : 'You can undo this later.'}
              </p>
            </div>
          </AlertDialog.Description>
          {props.children}
          <ErrorNotice error={error} />
          <div className="dialog-buttons">
            <AlertDialog.Cancel asChild>
              <button type="button" className="button secondary">
                Keep as is
              </button>
            </AlertDialog.Cancel>
            <button
              type="button"
              className={props.danger ? 'button danger' : 'button'}
              disabled={busy}
              onClick={confirm}
            >
              {busy ? 'Working…' : (props.confirmLabel ?? props.label)}
            </button>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
