/**
 * B5's floor: the smallest Preact page, built into the test build only and opened like the popup.
 * It sets the same mark the popup sets, the same way (an effect after its first render).
 */
import { render } from 'preact';
import { useEffect } from 'preact/hooks';
import { markRendered } from '../../../src/ui/rendered-mark.ts';

function Empty() {
  useEffect(() => markRendered(), []);
  return <main>ok</main>;
}

const root = document.getElementById('app');
if (root) render(<Empty />, root);
