// @vitest-environment happy-dom
/** B5: the popup's first status read is sent by its entry, before the app loads. */
import { cleanup, render, screen, waitFor } from '@testing-library/preact';
import { render as renderNow } from 'preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PopupApp } from '../../../src/popup/app.tsx';
import type { StatusView } from '../../../src/shared/protocol.ts';
import { askStatusEarly } from '../../../src/ui/early-status.ts';
import { calls, NOW, reply, resetFake, status } from './fake-protocol.ts';

vi.mock('../../../src/shared/protocol.ts', async (importActual) => {
  const real = await importActual<typeof import('../../../src/shared/protocol.ts')>();
  const fake = await import('./fake-protocol.ts');
  return { ...real, sendMessage: fake.fakeSendMessage };
});

beforeEach(() => resetFake());
afterEach(() => cleanup());

describe('popup: the early status read', () => {
  it('renders an answer that already arrived in the first render, without asking again', async () => {
    reply('getStatus', () => status({ offlineCount: 3 }));
    const early = askStatusEarly();
    await early.reply;
    expect(early.arrived()?.offlineCount).toBe(3);
    render(<PopupApp clock={() => NOW} pollMs={0} tickMs={0} early={early} />);
    // Synchronously on screen: no loading notice in between.
    expect(screen.getByTestId('offline-count').textContent).toMatch(/^3 offline messages\./);
    await waitFor(() => expect(calls.filter((c) => c.name === 'getStatus')).toHaveLength(1));
  });

  it('lays out the status alone first; the panels below it follow once it is on screen', async () => {
    reply('getStatus', () => status());
    const early = askStatusEarly();
    await early.reply;
    // Preact's own render, not act(): effects then wait for a frame as they do in the browser.
    const root = document.body.appendChild(document.createElement('div'));
    try {
      renderNow(<PopupApp clock={() => NOW} pollMs={0} tickMs={0} early={early} />, root);
      expect(screen.getByTestId('status-title').textContent).toContain('notifications on');
      expect(screen.queryByTestId('account')).toBeNull();
      expect(screen.queryByRole('button', { name: '30 min' })).toBeNull();
      expect((await screen.findByTestId('account')).textContent).toBe('alice @ 127.0.0.1:8080');
      expect(screen.getByRole('button', { name: '30 min' })).toBeTruthy();
      expect((screen.getByLabelText('Every message') as HTMLInputElement).checked).toBe(true);
    } finally {
      renderNow(null, root);
      root.remove();
    }
  });

  it('waits for an answer still on its way, then shows it', async () => {
    let answer: (s: StatusView) => void = () => undefined;
    reply('getStatus', () => new Promise<StatusView>((resolve) => (answer = resolve)));
    const early = askStatusEarly();
    render(<PopupApp clock={() => NOW} pollMs={0} tickMs={0} early={early} />);
    expect(screen.getByRole('status').textContent).toBe('Loading…');
    answer(status({ offlineCount: 2 }));
    expect((await screen.findByTestId('offline-count')).textContent).toMatch(/^2 offline messages\./);
    expect(calls.filter((c) => c.name === 'getStatus')).toHaveLength(1);
  });

  it('shows why when the early read failed', async () => {
    reply('getStatus', () => Promise.reject(new Error('boom')));
    const early = askStatusEarly();
    render(<PopupApp clock={() => NOW} pollMs={0} tickMs={0} early={early} />);
    await waitFor(() => expect(screen.getByRole('status').textContent).not.toBe('Loading…'));
    expect(screen.queryByTestId('offline-count')).toBeNull();
  });
});
