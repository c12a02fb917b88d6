// The tree as an SVG outline: one row per node, indented by depth, with elbow edges from each
// parent; a node's box takes its status colour (data-status), its feedback follows its name.
const ROW = 22, INDENT = 22, SYMBOL = {sequence: "→", selector: "?", parallel: "⇉", decorator: "◇", leaf: "•"};
const NS = "http://www.w3.org/2000/svg";

function el(name, attributes, text) {
  const node = document.createElementNS(NS, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

export class TreeView {
  constructor(svg) { this.svg = svg; this.rows = []; }

  draw(nodes) {
    this.svg.replaceChildren();
    const depth = nodes.map(() => 0);
    nodes.forEach((node, i) => { if (node.parent >= 0) depth[i] = depth[node.parent] + 1; });
    const edges = el("g", {}), rows = el("g", {});
    this.svg.append(edges, rows);
    this.rows = nodes.map((node, i) => {
      const x = 4 + depth[i] * INDENT, y = 4 + i * ROW;
      if (node.parent >= 0) {
        const px = 4 + depth[node.parent] * INDENT + 6, py = 4 + node.parent * ROW + ROW - 4;
        edges.append(el("path", {class: "edge", d: `M${px},${py} V${y + ROW / 2 - 2} H${x}`}));
      }
      const g = el("g", {class: "node", "data-index": i, "data-path": node.path, "data-status": "INVALID",
                          transform: `translate(${x},${y})`});
      const title = [node.type, ...(node.settings || [])].join(" ");
      g.append(el("title", {}, `${node.path}\n${title}`), el("rect", {x: 0, y: 2, width: 12, height: 14}));
      const label = el("text", {x: 18, y: 14});
      label.append(el("tspan", {class: "kind"}, (SYMBOL[node.kind] || "•") + " "), el("tspan", {}, node.name));
      if (node.type && node.type !== node.name) label.append(el("tspan", {class: "kind"}, ` [${node.type}]`));
      const feedback = el("tspan", {class: "feedback"});
      label.append(feedback);
      g.append(label);
      rows.append(g);
      return {g, feedback};
    });
    this.svg.setAttribute("height", 8 + nodes.length * ROW);
  }

  // statuses: one per node (index order); feedback: {index: message}
  show(statuses, feedback = {}) {
    this.rows.forEach((row, i) => {
      row.g.dataset.status = statuses[i] || "INVALID";
      const message = feedback[i];
      row.feedback.textContent = message ? `  ${message}` : "";
    });
  }
}
