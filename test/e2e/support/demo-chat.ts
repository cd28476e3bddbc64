/** The server's demo web chat (src/server/demo), driven like a person would in a tab of the same browser. */
import type { Page } from 'playwright-core';
import type { E2E } from './fixture.ts';

/**
 * Opens the demo chat, signs in as `username` and waits until its IM connection is ready
 * (the page then says "Online as …"). Closing the page closes the connection.
 */
export async function openChatPage(e2e: E2E, username: string, hash = ''): Promise<Page> {
  const page = await e2e.browser.context.newPage();
  await page.goto(`${e2e.server.url}/${hash}`);
  const form = page.locator('#signin');
  await form.or(page.locator('#chat')).first().waitFor({ state: 'visible' });
  if (await form.isVisible()) {
    await form.locator('input[name="username"]').fill(username);
    await form.locator('input[name="password"]').fill(username);
    await form.getByRole('button', { name: 'Sign in' }).click();
  }
  await page.waitForFunction(
    (who) => (document.getElementById('status')?.textContent ?? '').startsWith(`Online as ${who}`),
    username,
    { timeout: 15_000 },
  );
  return page;
}

/** The demo group's id, from the groups `username` joined. */
export async function demoGroupId(e2e: E2E): Promise<string> {
  const res = await e2e.alice.request<Array<{ groupid: string; groupname: string }>>({
    method: 'GET', path: '/users/alice/joined_chatgroups', idempotent: true,
  });
  const g = res.data.find((x) => x.groupname === 'Demo group');
  if (!g) throw new Error(`no "Demo group" among ${JSON.stringify(res.data)}`);
  return g.groupid;
}
