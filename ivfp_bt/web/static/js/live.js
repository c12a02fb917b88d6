// The live run: messages from the websocket drive the tree, pictures, chart, counters and teleop.
import {socketURL, withToken} from "./api.js";
import {Chart} from "./chart.js";
import {ProbePlayer} from "./probe_player.js";
import {fillTable, perHour} from "./tables.js";
import {Teleop} from "./teleop.js";
import {TreeView} from "./tree_view.js";

export class Live {
  constructor(onState) {
    this.onState = onState;
    this.tree = new TreeView(document.getElementById("live-tree"));
    this.probe = new ProbePlayer(document.getElementById("live-probe"), document.getElementById("live-probe-about"));
    this.chart = new Chart(document.getElementById("live-chart"));
    this.head = document.getElementById("live-head");
    this.teleop = new Teleop(message => this.send(message));
    this.socket = null;
  }

  connect() {
    this.socket = new WebSocket(socketURL());
    this.socket.onmessage = event => this.receive(JSON.parse(event.data));
    this.socket.onclose = event => {
      if (event.code === 4401 || event.code === 1008) this.onState("refused: this server requires a token");
      else if (this.state !== "none") this.onState(this.state === "ended" ? this.line : "disconnected");
    };
  }

  send(message) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  receive(m) {
    switch (m.type) {
      case "run":
        this.state = m.state; this.line = m.line || "";
        this.onState(m.state === "running" ? `running ${m.file}` : m.state === "ended" ? `ended: ${m.line}` : "no live run");
        break;
      case "tree":
        document.getElementById("live-file").textContent = m.file;
        this.tree.draw(m.nodes);
        break;
      case "tick":
        this.tree.show(m.statuses, m.feedback);
        document.getElementById("live-tree").dataset.tick = m.tick;
        fillTable(document.getElementById("blackboard"), Object.entries(m.blackboard));
        this.counters(m.counters);
        break;
      case "head":
        this.head.src = withToken(`/api/live/head.jpg?v=${m.version}`);
        this.head.dataset.version = m.version;
        this.head.dataset.target = m.target ? m.target.join(",") : "";
        this.teleop.imageSize(m.width, m.height);
        break;
      case "probe":
        this.probe.load(withToken(`/api/live/probe.jpg?v=${m.version}`), m.frames, m.seconds);
        break;
      case "series": this.chart.set(m.points); break;
      case "probability": this.chart.add(m.point); break;
      case "request": this.teleop.request(m.request); break;
      case "accepted": case "refused": case "error": this.teleop.reply(m); break;
    }
  }

  counters(c) {
    const rows = [["picks", `${c.picks} (${c.succeeded} succeeded)`], ["picks per hour", perHour(c.picks_per_h)],
                  ["interventions", c.interventions], ["interventions per hour", perHour(c.interventions_per_h)]];
    if (c.demonstrations !== undefined) {
      rows.push(["grasps demonstrated", c.demonstrations], ["labels", `${c.labels} (${c.successes} success)`],
                ["labels per hour", perHour(c.labels_per_h)]);
    }
    rows.push(["elapsed", `${c.elapsed_s.toFixed(0)} s`]);
    fillTable(document.getElementById("counters"), rows);
  }
}
