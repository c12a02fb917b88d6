"""The monitor replayed over recorded clips: one update per frame as it would run live, alarms
scored per clip (a false alarm anywhere in a success, a failure caught only before it happens),
and the threshold chosen on validation."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ivfp_bt.models.anticipation import FailureAnticipator, anticipation_config
from ivfp_bt.training.clip_data import Clip
from ivfp_bt.training.monitor_replay import Replay, monitor_score, operating_point, replay


def replayed(p: list[float], failed: bool, moment: float) -> Replay:
    return Replay(np.arange(len(p)) * 0.5, np.array(p), failed, moment)


def test_an_alarm_in_a_success_is_false_and_a_failure_counts_only_if_caught_before_it_happens():
    replays = [replayed([0.1, 0.9, 0.2], failed=False, moment=1.0),       # false alarm at 0.5 s
               replayed([0.1, 0.1, 0.1], failed=False, moment=1.0),       # quiet: right
               replayed([0.2, 0.8, 0.9, 0.9], failed=True, moment=1.5),   # caught 1.0 s ahead
               replayed([0.1, 0.1, 0.1, 0.9], failed=True, moment=1.0)]   # alarm at 1.5 s: late
    m = monitor_score(replays, 0.5)
    assert (m["caught"], m["late"], m["false_alarms"]) == (1, 1, 1)
    assert m["precision"] == 0.5 and m["recall"] == 0.5 and m["lead_s"] == 1.0
    strict = monitor_score(replays, 0.95)
    assert strict["caught"] == strict["false_alarms"] == 0 and strict["f1"] == 0.0


def test_a_spike_does_not_make_an_alarm_when_updates_in_a_row_are_asked_for():
    spike = replayed([0.1, 0.9, 0.1, 0.1], failed=False, moment=1.5)
    assert spike.alarm(0.5) == 0.5 and spike.alarm(0.5, consecutive=2) is None
    assert replayed([0.1, 0.9, 0.9, 0.1], True, 1.5).alarm(0.5, consecutive=2) == 1.0


def test_the_operating_point_separates_failures_from_successes():
    replays = [replayed([0.1, 0.6, 0.3], False, 1.0), replayed([0.2, 0.55], False, 0.5),
               replayed([0.3, 0.7, 0.9], True, 1.0), replayed([0.75, 0.8], True, 0.5)]
    threshold, consecutive = operating_point(replays)
    m = monitor_score(replays, threshold, consecutive)
    assert 0.6 < threshold <= 0.8 and m["j"] == 1.0 and m["false_alarms"] == 0


def test_an_alarm_on_every_clip_is_not_chosen_though_failures_are_common():
    # F1 would favour alarming on everything (precision 0.75, recall 1); J sees it stops every success
    replays = ([replayed([0.5, 0.9], True, 0.5)] * 3 + [replayed([0.3, 0.35], True, 0.5)] * 3
               + [replayed([0.3, 0.4], False, 0.5)] * 2)
    threshold, consecutive = operating_point(replays)
    m = monitor_score(replays, threshold, consecutive)
    assert m["false_alarms"] == 0 and m["caught"] == 3
    assert monitor_score(replays, 0.25)["f1"] > m["f1"]      # what F1 would have picked instead


def test_the_replay_makes_one_update_per_frame_as_the_live_monitor(tmp_path):
    torch.manual_seed(0)
    model = FailureAnticipator(anticipation_config("tiny", blank_frames=1, role="student"))
    times = np.arange(12) / 4.0
    rng = np.random.default_rng(0)
    clip = Clip("bin", times, rng.integers(0, 255, (12, 32, 32, 3), dtype=np.uint8),
                np.full((12, 32, 32), 0.3, np.float16), True, 2.0, "slipped")
    r = replay(model, clip, min_frames=3)
    assert np.allclose(r.times, times[2:]) and r.p_failure.shape == (10,)
    from ivfp_bt.models.anticipation import p_failure_now   # the leaf's own update, frame by frame
    live = [p_failure_now(model, times[:k + 1], list(clip.rgb[:k + 1]), list(clip.depth[:k + 1])) for k in (2, 7, 11)]
    assert r.p_failure[[0, 5, 9]] == pytest.approx(live, abs=1e-5)
