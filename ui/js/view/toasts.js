/**
 * Toasts: short-lived notices in a corner for errors and turning points. At most a few are
 * visible (the oldest goes first); each dismisses itself, errors a little later; a click
 * dismisses at once. They never cover what the audience is told to watch (`keepClear`).
 * Text only.
 */
import { h, setAttr } from '../dom.js';

const MAX_VISIBLE = 4;
const SHOWN_MS = { ok: 5000, info: 5000, warn: 7000, bad: 10000 };

export function createToasts(doc = document) {
  const container = doc.getElementById('toasts');

  function dismiss(node) {
    clearTimeout(node.timer);
    node.remove();
  }

  /** @param {'ok'|'info'|'warn'|'bad'} tone */
  function show(tone, message) {
    const node = h('div', { className: `toast tone-${tone}`, text: message, attrs: { role: tone === 'bad' ? 'alert' : 'status' } });
    setAttr(node, 'data-tone', tone);
    node.addEventListener('click', () => dismiss(node));
    node.timer = setTimeout(() => dismiss(node), SHOWN_MS[tone] ?? SHOWN_MS.info);
    container.append(node);
    while (container.childElementCount > MAX_VISIBLE) dismiss(container.firstElementChild);
  }

  /**
   * Keep the stack off these elements: in its usual corner (bottom right) if that is clear,
   * else the other one, else without its oldest toasts until it is.
   */
  function keepClear(elements) {
    if (container.childElementCount === 0 || elements.length === 0) return;
    const rects = elements.map((element) => element.getBoundingClientRect());
    const covers = () => {
      const box = container.getBoundingClientRect();
      return rects.some((r) => box.left < r.right && r.left < box.right && box.top < r.bottom && r.top < box.bottom);
    };
    for (const side of ['right', 'left']) {
      setAttr(container, 'data-side', side);
      if (!covers()) return;
    }
    while (container.childElementCount > 0 && covers()) dismiss(container.firstElementChild);
  }

  return { show, error: (message) => show('bad', message), keepClear };
}
