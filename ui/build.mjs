// Assembles ui/dist/, the page the server embeds and the desktop app loads: index.html, css/,
// js/ and Chart.js's UMD bundle from node_modules (never a CDN: the CSP allows 'self' only).
//
//   node build.mjs [OUT]    (from ui/, or `node ui/build.mjs` from the repo root; OUT defaults
//                           to ui/dist; the desktop app builds its own copy so the two builds
//                           never empty each other's folder while running in parallel)
//
// No dependencies beyond Node 18+. dist/ is emptied first, so a file removed from the sources
// does not linger in the build.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ui = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(ui, 'dist');
const SOURCES = ['index.html', 'css', 'js'];
/** Where the page expects Chart.js (index.html loads it as a classic script). */
export const CHART_TARGET = 'js/vendor/chart.umd.js';
/** Chart.js has shipped its UMD bundle under both names; the minified one is preferred. */
const CHART_CANDIDATES = ['chart.umd.min.js', 'chart.umd.js'];

/** The Chart.js UMD bundle in node_modules; throws with what to do when it is missing. */
export function chartBundle(root = ui) {
  const folder = path.join(root, 'node_modules', 'chart.js', 'dist');
  for (const name of CHART_CANDIDATES) {
    const file = path.join(folder, name);
    if (fs.existsSync(file)) return file;
  }
  throw new Error(`Chart.js is missing (looked for ${CHART_CANDIDATES.join(' or ')} in ${folder}): run npm ci in ui/`);
}

export function build(out = dist) {
  const chart = chartBundle();
  fs.rmSync(out, { recursive: true, force: true });
  for (const source of SOURCES) {
    fs.cpSync(path.join(ui, source), path.join(out, source), { recursive: true });
  }
  const target = path.join(out, CHART_TARGET);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(chart, target);
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    console.log(`faultline ui: built ${path.relative(process.cwd(), build(process.argv[2] ? path.resolve(process.argv[2]) : dist)) || '.'}`);
  } catch (error) {
    console.error(`faultline ui: ${error.message}`);
    process.exit(1);
  }
}
