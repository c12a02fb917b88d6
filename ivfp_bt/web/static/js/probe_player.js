// Plays a probe video given as a filmstrip JPEG (square frames side by side), in a loop.
export class ProbePlayer {
  constructor(canvas, about) {
    this.canvas = canvas; this.about = about; this.timer = null;
  }

  load(url, frames, seconds) {
    clearInterval(this.timer);
    const context = this.canvas.getContext("2d");
    if (!url || !frames) {
      context.clearRect(0, 0, this.canvas.width, this.canvas.height);
      this.about.textContent = "none";
      this.canvas.dataset.frames = 0;
      return;
    }
    const strip = new Image();
    strip.onload = () => {
      const size = strip.height;
      let i = 0;
      const step = () => {
        context.drawImage(strip, i * size, 0, size, size, 0, 0, this.canvas.width, this.canvas.height);
        i = (i + 1) % frames;
      };
      step();
      this.timer = setInterval(step, Math.max(40, 1000 * (seconds || frames / 8) / frames));
      this.canvas.dataset.frames = frames;
    };
    strip.src = url;
    this.about.textContent = `${frames} frames` + (seconds ? `, ${seconds.toFixed(1)} s` : "");
  }
}
