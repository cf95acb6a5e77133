/**
 * The replay bar: when the server plays a recording (GET /api/replay answers), the header
 * says REPLAY (the file's name in its tooltip), and the scenario panel offers pause, 1×/2×/4× and a seek bar (POST
 * /api/replay) where Record and Restore all stand live. Its `replay` status events move the bar and the page's clock. A seek starts
 * a new generation on the server: what this page holds belongs to another point of the
 * recording, so it loads again from there. A live server has no /api/replay: the bar stays
 * hidden. Everything from the network is set as text.
 */
import { setAttr, setText } from '../dom.js';
import { number } from '../format.js';
import { SPEEDS_SHOWN, clockText, parseReplayStatus } from '../replay.js';

/**
 * @param {Document} doc
 * @param {{getJson: Function, postJson: Function, toast: {error: Function},
 *   onClock: (clock: {atMs: number, speed: number, paused: boolean} | null) => void,
 *   reload?: () => void}} deps  onClock: the page's clock follows the replay's
 */
export function createReplayControls(doc, { getJson, postJson, toast, onClock, reload = () => doc.defaultView.location.reload() }) {
  const root = doc.getElementById('replay');
  const badge = doc.getElementById('replay-badge');
  /** The charts' heading says "Live" on a live server. */
  const chartsTitle = doc.getElementById('charts-title');
  const toggle = doc.getElementById('replay-toggle');
  const seek = doc.getElementById('replay-seek');
  const position = doc.getElementById('replay-position');
  const broken = doc.getElementById('replay-break');
  const speeds = [...root.querySelectorAll('.replay-speed')];
  /** The generation this page's state belongs to; null until the first status. */
  let generation = null;
  let status = null;
  /** While the presenter drags the seek bar, statuses do not move it under their hand. */
  let dragging = false;

  function live() {
    status = null;
    root.hidden = true;
    badge.hidden = true;
    setAttr(doc.documentElement, 'data-mode', 'live');
    onClock(null);
  }

  function apply(raw) {
    const next = parseReplayStatus(raw);
    if (next === null) return;
    if (generation === null) generation = next.generation;
    if (next.generation !== generation) {
      reload();
      return;
    }
    status = next;
    root.hidden = false;
    badge.hidden = false;
    setText(chartsTitle, 'Replay, last 5 minutes');
    doc.title = 'Faultline — REPLAY';
    setAttr(doc.documentElement, 'data-mode', 'replay');
    onClock({ atMs: next.atMs, speed: next.speed, paused: next.paused });
    render();
  }

  function render() {
    setAttr(badge, 'title', `Not live: ${status.name ?? status.file} (${status.file}, ${status.environment}), ${status.played} of ${status.events} events played`);
    const playing = !status.paused;
    setText(toggle, playing ? 'Pause' : status.finished ? 'Play again' : 'Play');
    setAttr(toggle, 'aria-pressed', String(!playing));
    for (const button of speeds) setAttr(button, 'aria-pressed', String(Number(button.dataset.speed) === status.speed));
    seek.max = String(status.durationMs);
    if (!dragging) seek.value = String(status.positionMs);
    setText(position, `${clockText(dragging ? Number(seek.value) : status.positionMs)} / ${clockText(status.durationMs)}`);
    broken.hidden = status.breakAt === null;
    setAttr(broken, 'title', status.breakAt === null ? null
      : `The file breaks at byte ${status.breakAt.offset}: ${status.breakAt.reason}. Everything before it plays.`);
  }

  async function send(control) {
    try {
      apply(await postJson('/api/replay', control));
    } catch (error) {
      toast.error(`Replay: ${error.message}`);
    }
  }

  toggle.addEventListener('click', () => status && send({ paused: !status.paused }));
  for (const button of speeds) {
    button.addEventListener('click', () => {
      const speed = Number(button.dataset.speed);
      if (SPEEDS_SHOWN.includes(speed)) send({ speed });
    });
  }
  seek.addEventListener('input', () => {
    dragging = true;
    if (status) render();
  });
  seek.addEventListener('change', () => {
    dragging = false;
    const seekMs = Number(seek.value);
    if (Number.isFinite(seekMs)) send({ seekMs: Math.max(0, Math.round(seekMs)) });
  });

  return {
    /** Asks the server whether it replays; a live server answers 404. */
    async refresh() {
      let answer;
      try {
        answer = await getJson('/api/replay');
      } catch {
        live();
        return;
      }
      apply(answer);
    },

    onEvent(event) {
      if (event?.type === 'replay') apply(event);
    },
  };
}
