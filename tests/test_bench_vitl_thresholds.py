"""bench/vitl_thresholds.py reads back what a lower threshold would have accepted from a
verification-in-the-loop run's logs."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench import vitl_thresholds  # noqa: E402
from ivfp_bt.sidecar.store import Attempt, RunStore  # noqa: E402


def _log(run: Path, picks: list[list[tuple[float | None, str]]]) -> None:
    """Each pick's attempts as (P(success) or None if not probed, the simulator's outcome)."""
    with RunStore(run) as store:
        n = 0
        for number, attempts in enumerate(picks, start=1):
            for p, truth in attempts:
                record = {"pick": {"seed": 7, "pick": number}, "foreseen_outcome": truth}
                if p is not None:
                    record["classifier_p_success"] = p
                store.write(Attempt(float(n), float(n) + 1, record, {}))
                n += 1


def test_each_threshold_takes_the_first_logged_grasp_it_would_accept(tmp_path, capsys, monkeypatch):
    _log(tmp_path / "trial_7", [[(0.2, "success"), (0.7, "fail_not_picked")],   # refused a good grasp
                                [(0.6, "success")],
                                [(None, "fail_not_picked"), (0.1, "fail_multipick"), (0.3, "fail_not_picked")]])
    picks = vitl_thresholds.probed_picks([tmp_path / "trial_7"])
    assert picks == [[(0.2, True), (0.7, False)], [(0.6, True)], [(0.1, False), (0.3, False)]]
    monkeypatch.setattr(sys, "argv", ["vitl_thresholds.py", str(tmp_path), "--thresholds", "0", "0.5", "0.8"])
    assert vitl_thresholds.main() == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "3 picks, 5 probed grasps"
    assert "threshold 0.00: 2/3 picked" in lines[1] and "0 with no logged grasp accepted" in lines[1]
    assert "threshold 0.50: 1/3 picked" in lines[2] and "1 with no logged grasp accepted" in lines[2]
    assert "threshold 0.80: 0/3 picked" in lines[3] and "3 with no logged grasp accepted" in lines[3]
