/**
 * Presenter mode: large type, high contrast, the busiest panels hidden (css/app.css does the
 * look under html[data-presenter="on"]). Toggled by the header button and the `p` key, and
 * remembered in localStorage so a reload in front of an audience keeps it.
 */
import { setAttr } from '../dom.js';

const KEY = 'faultline.presenter';

export function createPresenterMode(doc, { onChange }) {
  const button = doc.getElementById('presenter-toggle');
  const storage = safeStorage(doc.defaultView);

  function set(on) {
    setAttr(doc.documentElement, 'data-presenter', on ? 'on' : 'off');
    setAttr(button, 'aria-pressed', String(on));
    storage?.setItem(KEY, on ? 'on' : 'off');
    onChange?.(on);
  }

  const isOn = () => doc.documentElement.dataset.presenter === 'on';
  const toggle = () => set(!isOn());

  button.addEventListener('click', toggle);
  set(storage?.getItem(KEY) === 'on');
  return { toggle };
}

/** localStorage, or null where the page may not use it (some embedded or private contexts). */
function safeStorage(win) {
  try {
    return win.localStorage;
  } catch {
    return null;
  }
}
