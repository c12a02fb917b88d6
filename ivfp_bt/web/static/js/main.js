// The page: Live (the run being ticked, with teleop when it asks) and Replay (logged runs).
import {getJSON} from "./api.js";
import {Live} from "./live.js";
import {Replay} from "./replay.js";

const state = document.getElementById("run-state");
const live = new Live(text => { state.textContent = text; });
const replay = new Replay();

function choose(view) {
  for (const name of ["live", "replay"]) {
    document.getElementById(`view-${name}`).hidden = name !== view;
    document.getElementById(`tab-${name}`).classList.toggle("active", name === view);
  }
  if (view === "replay") replay.list().catch(error => { state.textContent = error.message; });
  history.replaceState(null, "", `${location.search}#${view}`);
}

document.querySelectorAll(".tab").forEach(tab => { tab.onclick = () => choose(tab.dataset.view); });

getJSON("/api/runs").then(({live: running}) => {
  if (running) live.connect(); else state.textContent = "no live run: replaying logged runs";
  choose(location.hash === "#replay" || !running ? "replay" : "live");
}).catch(error => { state.textContent = error.message; });
