/** Whether this page may use the desktop app's IPC: only the app's own page may. */

/**
 * The app's IPC, when this page is the app's own (tauri://localhost, or http://tauri.localhost
 * on Windows); null in a browser, and in an app window showing a page a server sent (the
 * replay window of "Open a recording…", which talks to its server over HTTP and has no IPC
 * permission, though the app may define `__TAURI__` there too).
 */
export function appShell(global = window) {
  const own = global.location?.protocol === 'tauri:' || global.location?.hostname === 'tauri.localhost';
  return own && global.__TAURI__?.core && global.__TAURI__?.event ? global.__TAURI__ : null;
}
