/** DOM helpers of the UI tests. */
import { screen, waitFor } from '@testing-library/preact';
import { expect } from 'vitest';

/** The error text tied to a control by aria-describedby, or null. */
export function errorOf(control: HTMLElement): string | null {
  const id = control.getAttribute('aria-describedby');
  if (!id) return null;
  return document.getElementById(id)?.textContent ?? null;
}

/** Waits until the control shows `text` as its error. */
export async function expectErrorNextTo(label: string | RegExp, text: string | RegExp): Promise<HTMLElement> {
  let control: HTMLElement | undefined;
  await waitFor(() => {
    control = screen.getByLabelText(label);
    expect(control.getAttribute('aria-invalid')).toBe('true');
    const err = errorOf(control);
    expect(err).not.toBeNull();
    if (typeof text === 'string') expect(err).toContain(text);
    else expect(err).toMatch(text);
  });
  return control!;
}
