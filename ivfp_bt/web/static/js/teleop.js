// Stage-1 teleop: click a grasp point on the head image, set the width, grasp; then label the probe.
// On a robot run with --target click: click the item to pick; the server segments it.
// The server checks every click (on the target, inside the workspace) before the robot moves.
const LABEL_NAMES = {success: "success", fail_multipick: "multipick", fail_not_picked: "not picked",
                     fail_wrong_item: "wrong item", ignore: "ignore"};

export class Teleop {
  constructor(send) {
    this.send = send;
    this.panel = document.getElementById("teleop");
    this.box = document.getElementById("head-box");
    this.image = document.getElementById("live-head");
    this.marker = document.getElementById("click-marker");
    this.width = document.getElementById("width");
    this.message = document.getElementById("teleop-message");
    this.grasp = document.getElementById("grasp-button");
    this.size = {width: 424, height: 240};
    this.open = null; this.click = null;
    this.width.oninput = () => { document.getElementById("width-out").textContent = `${(+this.width.value).toFixed(1)} cm`; };
    this.image.addEventListener("click", event => this.clicked(event));
    this.grasp.onclick = () => this.send({type: "grasp", request: this.open.id, u: this.click.u, v: this.click.v,
                                          width: +this.width.value / 100});
    document.getElementById("reset-button").onclick = () => this.send({type: "reset_by_hand"});
  }

  imageSize(width, height) { if (width && height) this.size = {width, height}; }

  request(request) {
    this.open = request;
    this.panel.hidden = false;
    const grasping = request && request.kind === "grasp", labelling = request && request.kind === "label";
    const marking = request && request.kind === "target";
    this.panel.dataset.request = request ? request.kind : "none";
    document.getElementById("grasp-controls").hidden = !grasping;
    document.getElementById("label-controls").hidden = !labelling;
    this.box.classList.toggle("clickable", grasping || marking);
    this.marker.hidden = true; this.click = null; this.grasp.disabled = true;
    document.getElementById("teleop-prompt").textContent = grasping
      ? "Click a grasp point on the outlined item and set the width."
      : marking ? "Click the item to pick."
      : labelling ? "Watch the probe video and label the grasp." : "The robot is working…";
    if (labelling) this.labelButtons(request.labels);
  }

  labelButtons(labels) {
    const controls = document.getElementById("label-controls");
    controls.replaceChildren(...labels.map(label => {
      const button = document.createElement("button");
      button.textContent = LABEL_NAMES[label] || label;
      button.dataset.label = label;
      button.onclick = () => this.send({type: "label", request: this.open.id, label});
      return button;
    }));
  }

  clicked(event) {
    if (!this.open || (this.open.kind !== "grasp" && this.open.kind !== "target")) return;
    const box = this.image.getBoundingClientRect();
    const u = (event.clientX - box.left) * this.size.width / box.width;
    const v = (event.clientY - box.top) * this.size.height / box.height;
    if (this.open.kind === "target") {
      this.send({type: "target", request: this.open.id, u, v});
      return;
    }
    this.click = {u: Math.round(u), v: Math.round(v)};
    this.marker.style.left = `${event.clientX - box.left}px`;
    this.marker.style.top = `${event.clientY - box.top}px`;
    this.marker.hidden = false;
    this.grasp.disabled = false;
    this.say(`grasp at (${this.click.u}, ${this.click.v})`);
  }

  reply(message) {
    if (message.type === "accepted" && message.what === "grasp") this.say("grasping…");
    else if (message.type === "accepted" && message.what === "label") this.say("labelled");
    else if (message.type === "accepted" && message.what === "target") this.say(`target marked (${message.pixels} pixels)`);
    else if (message.type === "accepted") this.say("noted");
    else this.say(message.message, true);
  }

  say(text, refused = false) {
    this.message.textContent = text;
    this.message.classList.toggle("refused", refused);
  }
}
