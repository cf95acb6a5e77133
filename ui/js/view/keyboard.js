/**
 * Keyboard shortcuts for the presenter: 1–6 run the scenarios in list order, r restores all,
 * p toggles presenter mode, ? shows the shortcuts (Escape closes them). Keys typed into a
 * field, or pressed with a modifier, are left alone.
 */
const TYPING = new Set(['INPUT', 'TEXTAREA', 'SELECT']);

export function installShortcuts(doc, { runScenario, restoreAll, togglePresenter }) {
  const help = doc.getElementById('help');
  const showHelp = (show) => { help.hidden = !show; };

  doc.getElementById('help-toggle').addEventListener('click', () => showHelp(help.hidden));
  doc.getElementById('help-close').addEventListener('click', () => showHelp(false));

  doc.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    const target = event.target;
    if (target && (TYPING.has(target.tagName) || target.isContentEditable)) return;
    if (event.key === 'Escape' && !help.hidden) showHelp(false);
    else if (event.key === '?') showHelp(help.hidden);
    else if (event.key === 'p' || event.key === 'P') togglePresenter();
    else if (event.key === 'r' || event.key === 'R') restoreAll();
    else if (/^[1-6]$/.test(event.key)) runScenario(Number(event.key) - 1);
    else return;
    event.preventDefault();
  });
}
