// Replaying a logged run: a slider over its status changes rebuilds the tree's statuses at that
// moment, and shows the attempt in progress (its fields, head image and probe video).
import {getJSON, withToken} from "./api.js";
import {ProbePlayer} from "./probe_player.js";
import {fillTable} from "./tables.js";
import {TreeView} from "./tree_view.js";

const FINISHED = ["SUCCESS", "FAILURE"];

function shown(key, value) {
  if (key === "grasp" && value) return `(${value.u}, ${value.v}), width ${(100 * value.width).toFixed(1)} cm`;
  if (typeof value === "number") return +value.toFixed(3);
  if (value && typeof value === "object" && !Array.isArray(value)) {
    return Object.entries(value).map(([k, v]) => `${k} ${typeof v === "number" ? v.toFixed(2) : v}`).join(", ");
  }
  return value;
}

export class Replay {
  constructor() {
    this.tree = new TreeView(document.getElementById("replay-tree"));
    this.probe = new ProbePlayer(document.getElementById("replay-probe"), document.getElementById("replay-probe-about"));
    this.select = document.getElementById("run-select");
    this.scrub = document.getElementById("scrub");
    this.select.onchange = () => this.open(this.select.value);
    this.scrub.oninput = () => this.show(+this.scrub.value);
    document.getElementById("play").onclick = () => this.play();
    this.timeline = null; this.attempt = null; this.timer = null;
  }

  async list() {
    const {runs} = await getJSON("/api/runs");
    this.select.replaceChildren(...runs.map(run => {
      const option = document.createElement("option");
      option.value = run.run;
      option.textContent = `${run.run} (${run.attempts} attempts)`;
      return option;
    }));
    if (runs.length) await this.open(runs[runs.length - 1].run);
  }

  async open(run) {
    this.select.value = run;
    this.timeline = await getJSON(`/api/timeline?run=${encodeURIComponent(run)}`);
    this.tree.draw(this.timeline.nodes);
    this.scrub.max = Math.max(0, this.timeline.events.length - 1);
    this.attempt = null;
    this.attemptButtons();
    this.show(0);
  }

  // statuses after events[0..position]; a finished root clears them when the next tick begins
  statusesAt(position) {
    const statuses = this.timeline.nodes.map(() => "INVALID");
    let clearAfter = null;
    for (const [tick, , node, status] of this.timeline.events.slice(0, position + 1)) {
      if (clearAfter !== null && tick !== clearAfter) { statuses.fill("INVALID"); clearAfter = null; }
      statuses[node] = status;
      if (node === 0 && FINISHED.includes(status)) clearAfter = tick;
    }
    return statuses;
  }

  show(position) {
    if (!this.timeline || !this.timeline.events.length) return;
    this.scrub.value = position;
    const [tick, time, , , attempt] = this.timeline.events[position];
    this.tree.show(this.statusesAt(position));
    document.getElementById("replay-tree").dataset.position = position;
    document.getElementById("scrub-where").textContent = `tick ${tick}, ${time.toFixed(1)} s, attempt ${attempt}`;
    if (attempt !== this.attempt) this.showAttempt(attempt);
  }

  async showAttempt(attempt) {
    this.attempt = attempt;
    const run = encodeURIComponent(this.timeline.run);
    const {record} = await getJSON(`/api/attempt?run=${run}&id=${attempt}`);
    if (attempt !== this.attempt) return;
    document.getElementById("attempt-id").textContent = attempt;
    const fields = ["label", "outcome", "foreseen_outcome", "reward", "reward_source", "classifier_p_success",
                    "pick_result", "grasp", "durations"];
    fillTable(document.getElementById("attempt-fields"),
              fields.filter(key => record[key] !== undefined).map(key => [key, shown(key, record[key])]));
    document.getElementById("replay-head").src = withToken(`/api/attempt/head.jpg?run=${run}&id=${attempt}`);
    const probe = await fetch(withToken(`/api/attempt/probe.jpg?run=${run}&id=${attempt}`));
    const frames = probe.ok ? +probe.headers.get("X-Frames") : 0;
    this.probe.load(frames ? URL.createObjectURL(await probe.blob()) : null, frames, record.probe_duration);
    document.querySelectorAll("#attempt-list button").forEach(b => b.classList.toggle("current", +b.dataset.id === attempt));
  }

  attemptButtons() {
    document.getElementById("attempt-list").replaceChildren(...this.timeline.attempts.map(a => {
      const button = document.createElement("button");
      button.dataset.id = a.id;
      button.textContent = `#${a.id} ${a.label || a.outcome || a.pick_result || ""}`;
      button.onclick = () => this.show(this.timeline.events.findIndex(e => e[4] === a.id));
      return button;
    }));
  }

  play() {
    if (this.timer) { clearInterval(this.timer); this.timer = null; return; }
    this.timer = setInterval(() => {
      const next = +this.scrub.value + 1;
      if (next > +this.scrub.max) { clearInterval(this.timer); this.timer = null; return; }
      this.show(next);
    }, 120);
  }
}
