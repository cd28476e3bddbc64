/**
 * One form's calls to the background: a busy flag, errors shown next to the fields they name,
 * and a notice for everything else. Background errors arrive as ProtocolError (code, field).
 */
import { useCallback, useRef, useState } from 'preact/hooks';
import { protocolErrorOf } from '../shared/protocol.ts';
import { t } from '../shared/i18n.ts';

export interface Notice {
  readonly kind: 'ok' | 'error';
  readonly text: string;
}

/** Does a background error's `field` ("window.start", "patterns[2]") belong to input `name`? */
export function fieldMatches(errorField: string, name: string): boolean {
  return errorField === name || errorField.startsWith(`${name}.`) || errorField.startsWith(`${name}[`);
}

/**
 * A user-facing line for a background failure without a field of ours: what is wrong and what
 * to do, once. Network failures say so in words (the raw "cannot reach http://…: Failed to
 * fetch" helps nobody and used to be shown twice); the server's own sentences are kept.
 */
export function errorNotice(e: unknown): string {
  const err = protocolErrorOf(e);
  const own: Record<string, string> = {
    unreachable: 'commonErrorUnreachable',
    signed_out: 'commonErrorSignedOut',
    session_expired: 'commonErrorExpired',
  };
  const key = own[err.code];
  if (key) return t(key);
  if (err.code === 'permission_denied') return `${t('commonErrorPermission')} ${err.message}`;
  return err.message;
}

/** The input of ours that a background error's field names, if any. */
export function fieldFor(errorField: string, fields: readonly string[], aliases: Readonly<Record<string, string>>): string | undefined {
  const own = fields.find((f) => fieldMatches(errorField, f));
  if (own !== undefined) return own;
  const alias = Object.keys(aliases).find((a) => fieldMatches(errorField, a));
  return alias === undefined ? undefined : aliases[alias];
}

export interface Action {
  readonly busy: boolean;
  readonly errors: Readonly<Record<string, string>>;
  readonly notice: Notice | null;
  /** Runs `call`; on success shows `okText` (if any), on failure routes the error. */
  run<T>(call: () => Promise<T>, okText?: string): Promise<T | undefined>;
  /** Shows a validation error next to input `name` (nothing is sent). */
  invalid(name: string, message: string): void;
  setNotice(notice: Notice | null): void;
}

/**
 * `fields` are the input names this form shows errors next to; `aliases` maps other field
 * names the background may use (core's SDK names such as "options.duration") onto them.
 */
export function useAction(fields: readonly string[], aliases: Readonly<Record<string, string>> = {}): Action {
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<Notice | null>(null);
  const fieldsRef = useRef({ fields, aliases });
  fieldsRef.current = { fields, aliases };
  // Controls stay enabled while busy (a disabled button drops keyboard focus to the page), so a
  // second press is ignored here instead.
  const busyRef = useRef(false);

  const run = useCallback(async <T,>(call: () => Promise<T>, okText?: string): Promise<T | undefined> => {
    if (busyRef.current) return undefined;
    busyRef.current = true;
    setBusy(true);
    setErrors({});
    setNotice(null);
    try {
      const value = await call();
      if (okText) setNotice({ kind: 'ok', text: okText });
      return value;
    } catch (e) {
      const err = protocolErrorOf(e);
      const name = err.field === undefined ? undefined : fieldFor(err.field, fieldsRef.current.fields, fieldsRef.current.aliases);
      if (name !== undefined) setErrors({ [name]: err.message });
      else setNotice({ kind: 'error', text: errorNotice(e) });
      return undefined;
    } finally {
      busyRef.current = false;
      setBusy(false);
    }
  }, []);

  const invalid = useCallback((name: string, message: string) => {
    setNotice(null);
    setErrors({ [name]: message });
  }, []);

  return { busy, errors, notice, run, invalid, setNotice };
}
