/** Popup entry: styles, then the app. */
import { render } from 'preact';
import '../ui/base.css';
import './popup.css';
import { t, uiLanguage } from '../shared/i18n.ts';
import { PopupApp } from './app.tsx';

document.body.dataset.page = 'popup';
document.title = t('appName');
document.documentElement.lang = uiLanguage();
const root = document.getElementById('app');
if (root) render(<PopupApp />, root);
