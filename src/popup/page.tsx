/** Renders the popup into the page, starting from the status read its entry already sent. */
import { render } from 'preact';
import { t, uiLanguage } from '../shared/i18n.ts';
import type { EarlyStatus } from '../ui/early-status.ts';
import { PopupApp } from './app.tsx';

/** Titles the page and mounts the app. */
export function showPopup(early: EarlyStatus): void {
  document.body.dataset.page = 'popup';
  document.title = t('appName');
  document.documentElement.lang = uiLanguage();
  const root = document.getElementById('app');
  if (root) render(<PopupApp early={early} />, root);
}
