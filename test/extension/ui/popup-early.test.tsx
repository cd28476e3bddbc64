// @vitest-environment happy-dom
/** B5: the popup's first status read is sent by its entry, before the app loads. */
import { cleanup, render, screen, waitFor } from '@testing-library/preact';
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
