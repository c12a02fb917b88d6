// Probabilities over time (the classifier's P(success), the monitor's P(failure)), one colour each.
const COLOURS = ["#2e7bd6", "#d64541", "#2e9d57", "#8e44ad"];

export class Chart {
  constructor(canvas) { this.canvas = canvas; this.points = []; this.names = []; }

  set(points) { this.points = points.slice(); this.draw(); }
  add(point) { this.points.push(point); this.draw(); }

  draw() {
    const c = this.canvas.getContext("2d"), w = this.canvas.width, h = this.canvas.height, pad = 24;
    c.clearRect(0, 0, w, h);
    c.strokeStyle = "#c9ced6"; c.fillStyle = "#6b7480"; c.font = "10px sans-serif";
    for (const level of [0, 0.5, 1]) {
      const y = h - pad - level * (h - 2 * pad);
      c.beginPath(); c.moveTo(pad, y); c.lineTo(w - 4, y); c.stroke();
      c.fillText(level.toFixed(1), 2, y + 3);
    }
    this.canvas.dataset.points = this.points.length;
    if (!this.points.length) return;
    const t0 = this.points[0].t, t1 = Math.max(this.points[this.points.length - 1].t, t0 + 1);
    for (const p of this.points) {
      if (!this.names.includes(p.name)) this.names.push(p.name);
      c.fillStyle = COLOURS[this.names.indexOf(p.name) % COLOURS.length];
      const x = pad + (p.t - t0) / (t1 - t0) * (w - pad - 8), y = h - pad - p.value * (h - 2 * pad);
      c.beginPath(); c.arc(x, y, 3, 0, 2 * Math.PI); c.fill();
    }
    this.names.forEach((name, i) => {
      c.fillStyle = COLOURS[i % COLOURS.length];
      c.fillText(name, pad + 4 + i * 130, h - 6);
    });
  }
}
