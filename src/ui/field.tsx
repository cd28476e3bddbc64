/** Labelled inputs with their error text right below, linked by aria-describedby. */
import type { ComponentChildren } from 'preact';
import type { Notice } from './use-action.ts';

/** Attributes that tie an input to its error line. */
export function describedBy(id: string, error: string | undefined): Record<string, string | boolean | undefined> {
  return error ? { 'aria-invalid': true, 'aria-describedby': `${id}-error` } : { 'aria-invalid': undefined, 'aria-describedby': undefined };
}

/** The error line of input `id`, rendered as text. */
export function FieldError({ id, error }: { id: string; error: string | undefined }) {
  if (!error) return null;
  return (
    <p id={`${id}-error`} class="field-error" role="alert">
      {error}
    </p>
  );
}

/** A label above its control, with the control's error below. */
export function Field(props: { id: string; label: string; error?: string | undefined; hint?: string; children: ComponentChildren }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint ? <p class="hint">{props.hint}</p> : null}
      <FieldError id={props.id} error={props.error} />
    </div>
  );
}

/** The polite live region of a section: success and non-field errors. */
export function NoticeLine({ notice }: { notice: Notice | null }) {
  return (
    <p class={`notice ${notice ? `notice-${notice.kind}` : ''}`} role="status" aria-live="polite">
      {notice?.text ?? ''}
    </p>
  );
}
