/**
 * In the packaged desktop app, the launch panel names the sidecar the app carries (the one
 * the local environment starts): "Bundled sidecar: faultline-sidecar 0.1.0". It asks
 * tauri-plugin-shell, whose scope (src-tauri/capabilities/bundled-sidecar.json) allows this
 * one program with this one argument and nothing else. Elsewhere (a browser, a build
 * without the bundled binary) the line stays hidden.
 */

/** What the shell plugin is asked: the program as `bundle.externalBin` names it. */
export const SIDECAR_VERSION_CALL = Object.freeze({
  program: 'binaries/faultline-sidecar',
  args: ['--version'],
  options: { sidecar: true },
});

/**
 * @param {Document} doc
 * @param {{core?: {invoke: Function}} | undefined} tauri  window.__TAURI__, when there
 */
export async function showBundledSidecar(doc, tauri) {
  const line = doc.getElementById('launch-sidecar');
  if (!line || typeof tauri?.core?.invoke !== 'function') return;
  try {
    const answer = await tauri.core.invoke('plugin:shell|execute', SIDECAR_VERSION_CALL);
    const version = typeof answer?.stdout === 'string' ? answer.stdout.trim() : '';
    if (answer?.code !== 0 || !version) return;
    line.textContent = `Bundled sidecar: ${version.slice(0, 80)}`;
    line.hidden = false;
  } catch {
    // A development build carries no sidecar binary: nothing to name.
  }
}
