"""The work-cell calibration's statistics: a success rate's error over bins, and pooled seed sets."""

from __future__ import annotations

import math

from bench.work_cell_calibration import pooled_rows, results_markdown, standard_error


def test_the_error_over_bins_grows_when_bins_disagree():
    alike = [[6, 12]] * 10                     # every bin 50%
    apart = [[12, 12], [0, 12]] * 5             # the same 50%, all or nothing per bin
    assert standard_error(alike) == 0.0
    # all-or-nothing bins: the error of a mean of ten 0/1 draws, not of 120 picks
    assert math.isclose(standard_error(apart), 0.5 / math.sqrt(10) * math.sqrt(10 / 9), rel_tol=1e-9)
    assert math.isnan(standard_error([[3, 12]]))


def test_seed_sets_are_pooled_over_their_bins_and_shown_beside_them():
    rows = [{"strategy": "Centroid", "objects": "seen", "seed": 5000, "sr": 0.25, "se": 0.1, "picks": 24,
             "bins": [[3, 12], [3, 12]], "modes": {"success": 6}},
            {"strategy": "Centroid", "objects": "seen", "seed": 6000, "sr": 0.75, "se": 0.1, "picks": 24,
             "bins": [[9, 12], [9, 12]], "modes": {"success": 18}},
            {"strategy": "Random", "objects": "seen", "seed": 5000, "sr": 0.5, "se": 0.0, "picks": 12,
             "bins": [[6, 12]], "modes": {"success": 6}}]
    (pooled,) = pooled_rows(rows)
    assert (pooled["strategy"], pooled["seeds"], pooled["sr"], pooled["picks"]) == ("Centroid", [5000, 6000], 0.5, 48)
    table = results_markdown({"versions": {"packages": {"mujoco": "3.17.0"}}, "trials": 2, "picks_per_trial": 12,
                              "rows": rows, "audit": {}})
    assert "| **Centroid, pooled** | seen | 5000-5001, 6000-6001 | **50.0** |" in table


def test_a_drafts_figures_stay_with_its_runs_and_the_docs_are_left_alone(tmp_path, monkeypatch):
    import json
    import sys

    from bench import work_cell_calibration
    from tests.conftest import REPO

    rows = [{"strategy": "Centroid", "objects": "seen", "seed": 5000, "sr": 0.5, "se": 0.1, "picks": 12,
             "bins": [[6, 12]], "modes": {"success": 6}}]
    saved = tmp_path / "calibration_bin-v3.json"
    saved.write_text(json.dumps({"scene": "bin-v3", "rows": rows, "audit": {}, "settings": {"order_by": "product"}}))
    docs_before = (REPO / "docs" / "calibration.md").read_text()
    tables_before = (REPO / "docs" / "tables" / "calibration_bin-v3.png").read_bytes()
    monkeypatch.setattr(sys, "argv", ["work_cell_calibration.py", "--set", "order_by=product", "--report-only",
                                      "--out", str(tmp_path)])
    assert work_cell_calibration.main() == 0
    assert (tmp_path / "calibration_bin-v3.png").stat().st_size > 0
    assert (REPO / "docs" / "calibration.md").read_text() == docs_before
    assert (REPO / "docs" / "tables" / "calibration_bin-v3.png").read_bytes() == tables_before


def test_rows_are_not_added_to_a_draft_measured_with_other_settings(tmp_path, monkeypatch, capsys):
    import json
    import sys

    from bench import work_cell_calibration

    (tmp_path / "calibration_bin-v3.json").write_text(json.dumps({"scene": "bin-v3", "rows": [], "audit": {},
                                                                  "settings": {"order_by": "product"}}))
    monkeypatch.setattr(sys, "argv", ["work_cell_calibration.py", "--add", "--set", "order_by=item",
                                      "--baseline-seeds", "7000", "--out", str(tmp_path)])
    assert work_cell_calibration.main() == 2
    assert "was measured with --set {'order_by': 'product'}" in capsys.readouterr().err
