/** Options page entry: styles, then the app. */
import { render } from 'preact';
import '../ui/base.css';
import './options.css';
import { t, uiLanguage } from '../shared/i18n.ts';
import { OptionsApp } from './app.tsx';

document.body.dataset.page = 'options';
document.documentElement.lang = uiLanguage();
document.title = t('optionsTitle');
const root = document.getElementById('app');
if (root) render(<OptionsApp />, root);
