/**
 * The presenter's named recording: one header button starts recording everything the
 * dashboard receives into a file named after the local time (POST /api/recordings) and
 * stops it (DELETE /api/recordings/current), then says in a toast which file holds it, so
 * the demo can be sent afterwards. Text only.
 */
import { setAttr } from '../dom.js';
import { number, text } from '../format.js';

export function createRecordingButton(doc, { getJson, postJson, deleteJson, toast, now = () => new Date() }) {
  const button = doc.getElementById('record-toggle');
  /** The running named recording's name, or null. */
  let current = null;
  let busy = false;

  function show() {
    const on = current !== null;
    setAttr(button, 'aria-pressed', String(on));
    setAttr(button, 'data-state', on ? 'recording' : 'idle');
    button.textContent = on ? '■ Stop recording' : '● Record';
    button.title = on
      ? `Recording ${current}: click to stop and keep the file`
      : 'Record everything the dashboard receives into a named file, kept until you delete it';
    button.disabled = busy;
  }

  async function act(work) {
    if (busy) return;
    busy = true;
    show();
    try {
      await work();
    } finally {
      busy = false;
      show();
    }
  }

  const start = () => act(async () => {
    const name = nameAt(now());
    try {
      await postJson('/api/recordings', { name });
      current = name;
      toast.show('good', `Recording ${name}: every event from now on goes into its file.`);
    } catch (error) {
      toast.error(`Recording: ${error.message}`);
    }
  });

  const stop = () => act(async () => {
    const name = current;
    try {
      const files = await deleteJson('/api/recordings/current');
      current = null;
      toast.show('good', `Recording ${name} saved: ${describe(files)}.`);
    } catch (error) {
      toast.error(`Recording ${name}: ${error.message}`);
      await refresh();
    }
  });

  /** Asks the server whether a named recording runs (one started before a reload, say). */
  async function refresh() {
    try {
      const files = await getJson('/api/recordings');
      const running = Array.isArray(files) ? files.find((f) => f?.recording === true && f?.name) : null;
      current = running ? text(running.name, 64) : null;
    } catch {
      // The server predates recordings, or is away: the button stays as it is.
    }
    show();
  }

  button.addEventListener('click', () => (current === null ? start() : stop()));
  show();
  return { refresh };
}

/** `demo-20261201-094501` for a recording started at that local time. */
export function nameAt(date) {
  const two = (n) => String(n).padStart(2, '0');
  return `demo-${date.getFullYear()}${two(date.getMonth() + 1)}${two(date.getDate())}`
    + `-${two(date.getHours())}${two(date.getMinutes())}${two(date.getSeconds())}`;
}

/** "named-demo-….jsonl.zst (1.2 MB)", or several such, from the files the server listed. */
export function describe(files) {
  const list = Array.isArray(files) ? files : [];
  const parts = list.map((f) => {
    const bytes = number(f?.bytes);
    const size = bytes === null ? '' : ` (${(bytes / 1e6).toFixed(bytes < 1e5 ? 2 : 1)} MB)`;
    return `${text(f?.file, 200) ?? 'a file'}${size}`;
  });
  return parts.length ? `${parts.join(', ')} in the recordings folder` : 'the recordings folder';
}
