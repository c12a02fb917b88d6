"""`ivfp-bt eval` on a tiny protocol: a table, a plot and the records of every trial."""

from __future__ import annotations

from ivfp_bt.cli.main import main
from ivfp_bt.evaluation.metrics import summarise
from ivfp_bt.evaluation.trials import TrialResult, TrialSpec
from tests.conftest import REPO


def test_a_tiny_eval_writes_its_table_plot_and_records(tmp_path, capsys):
    out = tmp_path / "eval"
    code = main(["eval", str(REPO / "trees" / "pick_centroid.yaml"), "--trials", "2", "--picks-per-trial", "1",
                 "--workers", "2", "--seed", "1001", "--out", str(out)])
    assert code == 0
    table = (out / "results.md").read_text()
    row = next(line for line in table.splitlines() if line.startswith("| pick_centroid"))
    assert row.split("|")[2].strip() == "2"                       # picks
    assert (out / "results.png").stat().st_size > 10_000
    assert sorted(p.name for p in (out / "pick_centroid").iterdir()) == ["trial_1001", "trial_1002"]
    assert "pick_centroid" in capsys.readouterr().out


def test_metrics_count_ground_truth_not_the_trees_belief():
    spec = TrialSpec("t.yaml", 0, 4, "seen", "")
    picks = [{"result": "SUCCESS", "outcome": "success"}, {"result": "SUCCESS", "outcome": "fail_multipick",
                                                          "intervention": True},
             {"result": "FAILURE", "outcome": None}, {"result": "FAILURE", "outcome": "fail_not_picked"}]
    m = summarise("t", [TrialResult(spec, picks, robot_s=3000.0, compute_s=600.0, stopped="done")])
    assert (m.picks, m.successes, m.success_rate) == (4, 1, 0.25)
    assert m.units_per_hour == 1.0 and m.interventions_per_hour == 1.0
    assert m.modes["gave_up"] == 1 and m.modes["fail_multipick"] == 1
