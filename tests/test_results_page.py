"""docs/results.md names the scene of every table and never sets figures from two scenes side
by side as if comparable."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench import tables_io  # noqa: E402


def _table_one(scene: str | None, centroid: float) -> dict:
    rows = [{"strategy": "Centroid", "objects": "seen", "picks": 95, "sr": centroid, "uph": 70.0},
            {"strategy": "IL", "objects": "seen", "picks": 83, "sr": 0.482, "uph": 92.0}]
    return {**({"scene": scene} if scene else {}), "trials": 10, "picks_per_trial": 12, "rows": rows}


@pytest.fixture
def docs(tmp_path, monkeypatch):
    tables = tmp_path / "tables"
    tables.mkdir()
    monkeypatch.setattr(tables_io, "DOCS", tmp_path)
    monkeypatch.setattr(tables_io, "TABLES_DIR", tables)
    return tables


def _page(tables: Path, **saved: dict) -> str:
    for name, figures in saved.items():
        (tables / f"{name}.json").write_text(json.dumps(figures))
    return tables_io.write_page().read_text()


def test_each_table_names_its_scene_and_old_figures_were_on_bin_v1(docs):
    page = _page(docs, table1=_table_one("bin-v2", 0.379), table2={"rows": []})
    assert "Scene `bin-v2`, 10 bins × 12 picks" in page
    assert "## Table II: data collection\n\nScene `bin-v1`." in page      # saved before tables named one
    assert "| IL | 48.2 (56.8) | 83 | 92.0 |" in page


def test_the_headroom_shows_only_beside_a_table_of_its_own_scene(docs):
    ceiling = {"scene": "bin-v1", "trials": 10, "picks_per_trial": 12, "foresight": 20, "sr": 0.458,
               "centroid_sr": 0.433, "groups": {}}
    assert "How much a better grasp could gain" not in _page(docs, table1=_table_one("bin-v2", 0.379),
                                                             ceiling=ceiling)
    assert "SR 45.8%, against Centroid's 43.3%" in _page(docs, table1=_table_one("bin-v1", 0.433))


def test_table_one_on_bin_v1_is_kept_beneath_a_newer_scenes(docs):
    earlier = _table_one(None, 0.433)
    ceiling = {"scene": "bin-v2", "trials": 10, "picks_per_trial": 12, "foresight": 20, "sr": 0.632,
               "centroid_sr": 0.379, "groups": {}}
    page = _page(docs, table1=_table_one("bin-v2", 0.379), ceiling=ceiling, **{"table1_bin-v1": earlier})
    order = ("## Table I: pick success", "How much a better grasp", "### Table I on bin-v1", "## Table II")
    assert [page.index(title) for title in order] == sorted(page.index(title) for title in order)
    assert "| Centroid | 43.3 (44.8) | 95 |" in page
    assert "### Table I on bin-v1" not in _page(docs, table1=_table_one("bin-v1", 0.433))


def test_table_three_says_what_passing_every_grasp_would_score_on_its_held_out_probes(docs):
    """Small, lopsided held-out sets make a classifier's accuracy mean little on its own."""
    def row(probe: str, n: int, held: int, unseen: int) -> dict:
        scores = {"precision": 0.9, "recall": 0.5, "accuracy": 0.64}
        return {"probe": probe, "held_out": {"examples": n, "successes": held, **scores},
                "unseen": {"examples": unseen, "successes": unseen // 2, **scores}}
    three = {"scene": "bin-v2", "epochs": 12, "demos": "data/demos_v2_blind", "unseen": "data/demos_v2_blind_unseen",
             "rows": [row("passive", 31, 28, 0), row("0.5 s", 53, 39, 105)]}
    page = _page(docs, table3=three)
    assert "seen demos (data/demos_v2_blind)" in page and "(data/demos_v2_blind_unseen, 105 probes)" in page
    assert ("Held out: 53 active probes of which 39 held, so passing every grasp scores 74%; "
            "31 passive probes of which 28 held, so passing every grasp scores 90%.") in page
    assert "| passive | 90% | 50% | 64% | – | – | – |" in page
