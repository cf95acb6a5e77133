/**
 * A bounded time series for the charts: a ring of (time, value) pairs with one point per
 * bucket. Appending is O(1) and allocation-free, so a flood of 1000 events a second costs
 * almost nothing; only drawing (a few times a second) reads the points out.
 */
export class Series {
  /**
   * @param {number} capacity  points kept; the oldest fall off
   * @param {number} bucketMs  values closer together than this replace each other (the newest wins)
   */
  constructor(capacity, bucketMs) {
    this.capacity = capacity;
    this.bucketMs = bucketMs;
    this.xs = new Float64Array(capacity);
    this.ys = new Float64Array(capacity);
    this.start = 0;
    this.length = 0;
  }

  append(atMs, value) {
    if (this.length > 0) {
      const last = (this.start + this.length - 1) % this.capacity;
      // Out-of-order or same-bucket values refresh the last point rather than going back in time.
      if (atMs - this.xs[last] < this.bucketMs) {
        this.ys[last] = value;
        return;
      }
    }
    const slot = (this.start + this.length) % this.capacity;
    this.xs[slot] = atMs;
    this.ys[slot] = value;
    if (this.length < this.capacity) this.length += 1;
    else this.start = (this.start + 1) % this.capacity;
  }

  /** The points at or after `sinceMs`, oldest first, as Chart.js wants them ({x, y}). */
  pointsSince(sinceMs) {
    const points = [];
    for (let i = 0; i < this.length; i++) {
      const slot = (this.start + i) % this.capacity;
      if (this.xs[slot] >= sinceMs) points.push({ x: this.xs[slot], y: this.ys[slot] });
    }
    return points;
  }
}
