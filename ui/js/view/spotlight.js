/**
 * The subject of a step, in the spotlight: the broker, producer or consumer a fault names is
 * highlighted (data-spotlight="on") and brought into view when a step injects or heals it, so
 * "watch its tile" never points below the fold. It stays lit while its fault is active, and
 * after a heal until the scenario ends (the audience watches it recover). Elements are found
 * by comparing their data attributes as values, never through a selector built from network
 * text.
 */
import { setAttr } from '../dom.js';
import { number, text } from '../format.js';

export function createSpotlight(doc) {
  /** fault id → subject, for every active fault */
  const active = new Map();
  /** The subject of the running scenario's latest step, or null. */
  let step = null;
  let running = false;
  /** A subject to scroll into view once its element exists. */
  let reveal = null;
  /** What the last render lit. */
  let lit = [];

  function onEvent(event) {
    if (event?.type === 'fault') {
      const id = text(event.faultId, 120);
      const subject = subjectOf(event.fault);
      if (!id || !subject || (event.action !== 'injected' && event.action !== 'reverted')) return;
      if (event.action === 'injected') active.set(id, subject);
      else active.delete(id);
      if (running || event.action === 'injected') reveal = subject;
      if (running) step = subject;
    } else if (event?.type === 'restore') {
      active.clear();
    } else if (event?.type === 'scenario' && (event.phase === 'started' || event.phase === 'finished')) {
      running = event.phase === 'started';
      step = null;
    }
  }

  /** The active faults from GET /api/faults after a (re)connect. */
  function applyActiveFaults(list) {
    if (!Array.isArray(list)) return;
    active.clear();
    for (const fault of list) {
      const id = text(fault?.id, 120);
      const subject = subjectOf(fault?.fault);
      if (id && subject) active.set(id, subject);
    }
  }

  /** Light what is in the spotlight now (tiles and cards come and go); returns those elements. */
  function render() {
    const subjects = [...active.values(), ...(step ? [step] : [])];
    const next = subjects.flatMap((subject) => elementsOf(doc, subject));
    for (const element of lit) if (!next.includes(element)) setAttr(element, 'data-spotlight', null);
    for (const element of next) setAttr(element, 'data-spotlight', 'on');
    lit = next;
    const shown = reveal && elementsOf(doc, reveal);
    if (shown?.length) {
      reveal = null;
      // Only the panel scrolls (the page itself does not), and only as far as needed.
      for (const element of shown) element.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    }
    return lit;
  }

  return { onEvent, applyActiveFaults, render };
}

/** What a fault value names: {kind: 'broker' | 'sidecar' | 'consumer', id}, or null. */
export function subjectOf(fault) {
  if (fault === null || typeof fault !== 'object') return null;
  if (number(fault.broker) !== null) return { kind: 'broker', id: String(fault.broker) };
  if (text(fault.producer, 64)) return { kind: 'sidecar', id: text(fault.producer, 64) };
  if (text(fault.consumer, 64)) return { kind: 'consumer', id: text(fault.consumer, 64) };
  return null;
}

/**
 * A broker's tile, a producer's card; a consumer's card when it has a sidecar, else the
 * consumer groups' rows (a fault names the consumer, not its group, and nothing the page
 * receives says which group that is).
 */
function elementsOf(doc, subject) {
  const matching = (selector, key) => [...doc.querySelectorAll(selector)].filter((el) => el.dataset[key] === subject.id);
  if (subject.kind === 'broker') return matching('.broker-tile', 'brokerId');
  const cards = matching('.sidecar-card', 'sidecarId');
  if (subject.kind === 'sidecar' || cards.length) return cards;
  return [...doc.querySelectorAll('.group-row')];
}
