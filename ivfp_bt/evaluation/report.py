"""An evaluation as a markdown table and a bar plot."""

from __future__ import annotations

from pathlib import Path

from ivfp_bt import versions
from ivfp_bt.evaluation.metrics import MODES, StrategyMetrics


def markdown_table(rows: list[StrategyMetrics], objects: str, scene: str) -> str:
    header = ("| strategy | picks | SR % | UPH | interventions/h | " + " | ".join(MODES) + " |\n"
              "|---|---:|---:|---:|---:|" + "---:|" * len(MODES) + "\n")
    lines = [f"| {m.tree} | {m.picks} | {100 * m.success_rate:.1f} | {m.units_per_hour:.1f} | "
             f"{m.interventions_per_hour:.1f} | " + " | ".join(str(m.modes.get(k, 0)) for k in MODES) + " |"
             for m in rows]
    note = (f"\nObjects: {objects}; scene configuration: {scene}. SR is the simulator's ground truth after "
            "extraction; UPH counts simulated robot time plus measured compute time.\n")
    note += versions_note() + physics_note(scene)
    faults = [f"- {m.tree}: {f}" for m in rows for f in m.faults]
    return header + "\n".join(lines) + "\n" + note + ("\nFaults:\n" + "\n".join(faults) + "\n" if faults else "")


def versions_note() -> str:
    """The versions the figures came from, and a warning when they are not the pinned ones."""
    text = f"Measured with {versions.listed()}.\n"
    mismatched = versions.mismatches()
    if mismatched:
        text += ("\n**Not the pinned versions:** " + ", ".join(mismatched) + "; these figures may not match the "
                 "documented ones.\n")
    return text


def physics_note(scene: str) -> str:
    """The MuJoCo the scene was calibrated with, and a warning when another one measured these figures."""
    from ivfp_bt.sim.scene_config import physics_mismatch, scene_config
    config = scene_config(scene)
    if not config.mujoco:
        return ""
    mismatch = physics_mismatch(config)
    return (f"Scene {scene} was calibrated with MuJoCo {config.mujoco}.\n" +
            (f"\n**{mismatch.removeprefix('warning: ')}**\n" if mismatch else ""))


def bar_plot(rows: list[StrategyMetrics], path: Path, title: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (sr, modes) = plt.subplots(1, 2, figsize=(10, 4))
    names = [m.tree for m in rows]
    sr.bar(names, [100 * m.success_rate for m in rows], color="#4c78a8")
    for i, m in enumerate(rows):
        sr.text(i, 100 * m.success_rate + 1, f"{100 * m.success_rate:.0f}%\n{m.units_per_hour:.0f} UPH",
                ha="center", va="bottom", fontsize=8)
    sr.set_ylim(0, 110)
    sr.set_ylabel("success rate (%)")
    sr.set_title("success rate and units per hour")
    bottom = [0.0] * len(rows)
    for mode, colour in zip(MODES, ("#59a14f", "#e15759", "#f28e2b", "#b07aa1", "#bab0ac")):
        share = [100 * m.modes.get(mode, 0) / m.picks if m.picks else 0 for m in rows]
        modes.bar(names, share, bottom=bottom, label=mode, color=colour)
        bottom = [b + s for b, s in zip(bottom, share)]
    modes.set_ylabel("share of picks (%)")
    modes.set_title("outcomes")
    modes.legend(fontsize=7, loc="upper right")
    for axis in (sr, modes):
        axis.tick_params(axis="x", labelrotation=20, labelsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
