/**
 * A Chart.js plugin that draws what happened to the system behind the lines: each fault as a
 * shaded band from its injection to its revert (still growing while active), and detection
 * and recovery as labelled vertical markers. It reads `options.plugins.faultBands`:
 * { bands: [{fromMs, toMs|null}], markers: [{kind, atMs}], colors: {...} }.
 */
export const faultBandsPlugin = {
  id: 'faultBands',
  defaults: { bands: [], markers: [], colors: {} },

  beforeDatasetsDraw(chart, _args, options) {
    const { ctx, chartArea: area, scales: { x } } = chart;
    if (!x || !area) return;
    ctx.save();
    for (const band of options.bands) {
      const from = Math.max(x.getPixelForValue(band.fromMs), area.left);
      const to = Math.min(band.toMs === null ? area.right : x.getPixelForValue(band.toMs), area.right);
      if (to <= from) continue;
      ctx.fillStyle = band.toMs === null ? options.colors.activeBand : options.colors.band;
      ctx.fillRect(from, area.top, to - from, area.bottom - area.top);
    }
    ctx.restore();
  },

  afterDatasetsDraw(chart, _args, options) {
    const { ctx, chartArea: area, scales: { x } } = chart;
    if (!x || !area) return;
    ctx.save();
    ctx.setLineDash([5, 4]);
    ctx.lineWidth = 2;
    const fontSize = options.colors.fontSize ?? 11;
    ctx.font = `600 ${fontSize}px system-ui, sans-serif`;
    ctx.textBaseline = 'top';
    /** Where each row of labels ends so far: a label that would overlap one goes a row lower. */
    const rowEnds = [];
    for (const marker of options.markers) {
      const at = x.getPixelForValue(marker.atMs);
      if (at < area.left || at > area.right) continue;
      const color = marker.kind === 'detected' ? options.colors.detected : options.colors.recovered;
      ctx.strokeStyle = color;
      ctx.fillStyle = color;
      ctx.beginPath();
      ctx.moveTo(at, area.top);
      ctx.lineTo(at, area.bottom);
      ctx.stroke();
      const width = ctx.measureText(marker.kind).width;
      const left = Math.max(area.left, Math.min(at + 3, area.right - width));
      let row = rowEnds.findIndex((end) => end + 4 <= left);
      if (row === -1) row = rowEnds.push(0) - 1;
      rowEnds[row] = left + width;
      ctx.fillText(marker.kind, left, area.top + 2 + row * (fontSize + 3));
    }
    ctx.restore();
  },
};
