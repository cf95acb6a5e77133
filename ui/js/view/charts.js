/**
 * Live charts (Chart.js, loaded as js/vendor/chart.umd.js): buffer fill, send rate, request
 * latency and consumer lag over the last five minutes (the first minute while the page is new), with faults as shaded bands and
 * detection / recovery as markers (chart-bands.js). Above the charts the same bands are
 * listed as text, which is also what tests look for, and one legend serves all four charts
 * (a subject has one colour everywhere; four legends took the height of their plots).
 *
 * Events only append to the timeline; `request()` asks for a redraw, and redraws happen at
 * most MAX_FPS times a second, inside an animation frame, with animations off.
 */
import { h, setAttr, setText } from '../dom.js';
import { clock, span } from '../format.js';
import { METRICS } from '../timeline.js';
import { faultBandsPlugin } from './chart-bands.js';

const MIN_REDRAW_MS = 200; // ≤ 5 redraws a second: smooth enough for data arriving once a second
const PALETTE = ['#58a6ff', '#f0883e', '#a371f7', '#3fb950', '#db61a2', '#e3b341', '#39c5cf', '#ff7b72'];

export function createChartsView(doc, timeline, serverNow) {
  const grid = doc.getElementById('charts-grid');
  const legend = doc.getElementById('fault-bands');
  const subjects = doc.getElementById('chart-subjects');
  const Chart = doc.defaultView?.Chart;
  const charts = new Map();
  /** subject → colour, shared by every chart so producer-1 is the same colour everywhere */
  const colors = new Map();
  let lastDrawn = 0;
  let pending = false;
  let drawnVersion = -1;
  let legendKey = '';

  if (typeof Chart !== 'function') {
    grid.append(h('p', { className: 'empty', text: 'Charts unavailable: js/vendor/chart.umd.js did not load (build the page with node ui/build.mjs).' }));
  } else {
    for (const metric of METRICS) {
      const canvas = doc.createElement('canvas');
      grid.append(h('figure', { className: 'chart', attrs: { 'data-metric': metric.id } },
        h('figcaption', { className: 'chart-title', text: `${metric.title} (${metric.unit})` }),
        h('div', { className: 'chart-canvas' }, canvas)));
      charts.set(metric.id, new Chart(canvas, chartConfig(metric, theme(doc))));
    }
  }

  function colorOf(subject) {
    if (!colors.has(subject)) {
      const color = PALETTE[colors.size % PALETTE.length];
      colors.set(subject, color);
      const swatch = h('span', { className: 'chart-swatch' });
      swatch.style.backgroundColor = color; // CSSOM, allowed by the CSP (style-src 'self')
      subjects.append(h('li', { className: 'chart-subject', attrs: { title: subject } }, swatch, shorten(subject)));
    }
    return colors.get(subject);
  }

  /** Ask for a redraw; cheap to call on every event. */
  function request() {
    if (pending) return;
    pending = true;
    const wait = Math.max(0, lastDrawn + MIN_REDRAW_MS - performance.now());
    setTimeout(() => requestAnimationFrame(draw), wait);
  }

  function draw() {
    pending = false;
    lastDrawn = performance.now();
    const now = Math.max(serverNow(), timeline.nowMs);
    const since = now - timeline.spanAt(now);
    const bands = timeline.visibleBands(now);
    drawLegend(bands, now);
    // The window slides with the clock even when no data came; data redraws only when new.
    const slideOnly = timeline.version === drawnVersion;
    drawnVersion = timeline.version;
    for (const metric of METRICS) {
      const chart = charts.get(metric.id);
      if (!chart) continue;
      chart.options.scales.x.min = since;
      chart.options.scales.x.max = now;
      chart.options.plugins.faultBands.bands = bands;
      chart.options.plugins.faultBands.markers = timeline.markers;
      if (!slideOnly) syncDatasets(chart, timeline.series.get(metric.id), since);
      chart.update('none');
    }
  }

  function syncDatasets(chart, bySubject, since) {
    const datasets = chart.data.datasets;
    for (const [subject, series] of bySubject) {
      let dataset = datasets.find((d) => d.subject === subject);
      if (!dataset) {
        const color = colorOf(subject);
        dataset = { subject, label: shorten(subject), data: [], borderColor: color, backgroundColor: color, borderWidth: 2, pointRadius: 0, tension: 0 };
        datasets.push(dataset);
      }
      dataset.data = series.pointsSince(since);
    }
  }

  function drawLegend(bands, now) {
    const key = bands.map((b) => `${b.id}@${b.fromMs}-${b.toMs}`).join('|');
    if (key !== legendKey) {
      legendKey = key;
      legend.replaceChildren(...bands.map((band) => h('li', {
        className: 'fault-band',
        attrs: { 'data-fault-band': band.id, 'data-active': band.toMs === null ? 'true' : 'false' },
      }, h('span', { className: 'fault-band-label', text: band.label }), ' ', h('span', { className: 'fault-band-time' }))));
    }
    // Durations move every redraw; only their text changes.
    bands.forEach((band, i) => {
      const time = legend.children[i]?.querySelector('.fault-band-time');
      if (time) setText(time, `${clock(band.fromMs)} · ${band.toMs === null ? `active ${span(now - band.fromMs)}` : `lasted ${span(band.toMs - band.fromMs)}`}`);
    });
    setAttr(legend, 'data-count', bands.length);
  }

  /** Presenter mode changes type size and contrast: charts take both from CSS. */
  function applyTheme() {
    const t = theme(doc);
    for (const chart of charts.values()) {
      styleChart(chart.options, t);
      chart.update('none');
    }
  }

  return { request, applyTheme };
}

/** Colours and sizes from the stylesheet, so presenter mode restyles the charts too. */
function theme(doc) {
  const css = doc.defaultView.getComputedStyle(doc.documentElement);
  const value = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
  return {
    text: value('--muted', '#8d99a8'),
    grid: value('--border', '#2a3441'),
    fontSize: Number.parseFloat(value('--chart-font-size', '11')) || 11,
    band: value('--chart-band', 'rgba(227, 179, 65, 0.10)'),
    activeBand: value('--chart-band-active', 'rgba(248, 81, 73, 0.18)'),
    detected: value('--bad', '#f85149'),
    recovered: value('--ok', '#3fb950'),
  };
}

function chartConfig(metric, t) {
  const options = {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    parsing: false,
    normalized: true,
    spanGaps: true,
    interaction: { mode: 'nearest', axis: 'x', intersect: false },
    scales: {
      x: { type: 'linear', ticks: { maxTicksLimit: 5, maxRotation: 0, callback: (value) => clock(value) } },
      y: { beginAtZero: true, ...(metric.max ? { max: metric.max } : {}), ticks: { maxTicksLimit: 5 } },
    },
    plugins: {
      legend: { display: false },
      tooltip: { enabled: true },
      faultBands: { bands: [], markers: [], colors: {} },
    },
  };
  styleChart(options, t);
  return { type: 'line', data: { datasets: [] }, options, plugins: [faultBandsPlugin] };
}

function styleChart(options, t) {
  for (const axis of [options.scales.x, options.scales.y]) {
    axis.ticks.color = t.text;
    axis.ticks.font = { size: t.fontSize };
    axis.grid = { color: t.grid };
  }
  options.plugins.faultBands.colors = t;
}

/** The legend sits in the panel's head: long ids are cut (the full id is its title and on the cards). */
function shorten(subject) {
  return subject.length > 18 ? `${subject.slice(0, 17)}…` : subject;
}
