/**
 * The OODA strip: OBSERVE → ORIENT → DECIDE → ACT, each stage lighting up for a moment when
 * an event of its kind arrives, with the latest such event named under it. A flood of
 * signals only moves a timestamp; the strip redraws at most once per animation frame.
 */
import { setAttr, setText } from '../dom.js';
import { STAGES, stageOf } from '../ooda.js';
import { text } from '../format.js';

const LIT_MS = 900;

export function createOodaView(doc = document) {
  const stages = new Map(STAGES.map((stage) => {
    const node = doc.querySelector(`#ooda [data-stage="${stage}"]`);
    return [stage, { node, caption: node.querySelector('.ooda-caption'), litAt: -Infinity, latest: '' }];
  }));
  let frame = 0;
  let timer = null;

  function onEvent(event) {
    const stage = stages.get(stageOf(event));
    if (!stage) return;
    stage.litAt = performance.now();
    stage.latest = captionOf(event);
    schedule();
  }

  function schedule() {
    if (frame === 0) frame = requestAnimationFrame(render);
  }

  function render() {
    frame = 0;
    const now = performance.now();
    let nextOff = Infinity;
    for (const stage of stages.values()) {
      const lit = now - stage.litAt < LIT_MS;
      setAttr(stage.node, 'data-active', lit ? 'true' : 'false');
      setText(stage.caption, stage.latest);
      if (lit) nextOff = Math.min(nextOff, stage.litAt + LIT_MS - now);
    }
    // One timer to turn the last lit stage off again.
    clearTimeout(timer);
    if (nextOff !== Infinity) timer = setTimeout(schedule, nextOff + 10);
  }

  return { onEvent };
}

/** A few words about the event: who, and what. */
function captionOf(event) {
  const who = text(event.sidecarId ?? event.subject ?? event.target ?? event.group, 40);
  const what = event.type === 'condition' ? event.condition
    : event.type === 'speech-act' ? event.request ?? event.act
    : event.type === 'response' ? event.act
    : event.type === 'fault' ? `fault ${event.action}`
    : event.type === 'broker' ? `broker ${event.brokerId}`
    : event.type;
  return [who, text(what, 40)].filter(Boolean).join(' ');
}
