/**
 * Popup entry: the first status read goes out before anything else (B5), and the app's modules
 * load and run while the background answers; the styles come with the page.
 */
import '../ui/base.css';
import './popup.css';
import { askStatusEarly } from '../ui/early-status.ts';

const early = askStatusEarly();
void import('./page.tsx').then(({ showPopup }) => showPopup(early));
