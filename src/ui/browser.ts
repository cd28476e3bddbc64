/**
 * The few browser calls the pages make themselves (everything else goes to the background).
 * Each is guarded so the pages also render outside an extension (component tests, vite dev).
 */
interface ChromeLike {
  runtime?: { openOptionsPage?: () => Promise<void> | void; getURL?: (path: string) => string };
  tabs?: { query?: (q: { active: boolean; currentWindow: boolean }) => Promise<{ url?: string }[]> };
}

function chromeApi(): ChromeLike | undefined {
  return (globalThis as { chrome?: ChromeLike }).chrome;
}

/** URL of the active tab (granted by activeTab while the popup is open), if readable. */
export async function activeTabUrl(): Promise<string | undefined> {
  const query = chromeApi()?.tabs?.query;
  if (!query) return undefined;
  try {
    const [tab] = await query({ active: true, currentWindow: true });
    return tab?.url || undefined;
  } catch {
    return undefined;
  }
}

/** Opens the options page; falls back to a new window on options.html. */
export function openOptionsPage(): void {
  const runtime = chromeApi()?.runtime;
  if (runtime?.openOptionsPage) {
    // The browser closes the popup itself when the options tab takes focus.
    void Promise.resolve(runtime.openOptionsPage()).catch(() => window.open('options.html', '_blank'));
    return;
  }
  window.open('options.html', '_blank');
}
