"""The command line: one-line errors, exit codes, and every command's main path."""

from __future__ import annotations

import json

import pytest

from ivfp_bt.cli.main import main
from tests.conftest import TUTORIALS


def test_validate_reports_problems_and_exit_codes(write, capsys):
    write("bad.yaml", "tree:\n  Wiat: {}\n")
    assert main(["validate", str(TUTORIALS / "01_sequence.yaml")]) == 0
    assert main(["validate", "bad.yaml", str(TUTORIALS / "01_sequence.yaml")]) == 1
    captured = capsys.readouterr()
    assert "bad.yaml:2:3: unknown node type 'Wiat'; did you mean 'Wait'?" in captured.err
    assert "01_sequence.yaml: ok" in captured.out


@pytest.mark.parametrize("argv,expected", [
    (["run", "nope.yaml"], "error: nope.yaml: no such file"),
    (["show", "bad.yaml"], "error: bad.yaml:2:3: unknown node type"),
    (["run", "bad.yaml", "--set", "x"], "error: --set takes NAME=VALUE"),
    (["run", "need_robot.yaml", "--robot", "stretch"], "error: no Stretch found: "),
    (["show", "ok.yaml", "--format", "png"], "error: --format png writes binary data: give -o FILE.png"),
])
def test_user_errors_are_one_line_without_traceback(write, capsys, argv, expected):
    write("bad.yaml", "tree:\n  Wiat: {}\n")
    write("ok.yaml", "tree:\n  Succeed\n")
    write("need_robot.yaml", "tree:\n  MoveArm\n")
    import tests.fakes  # noqa: F401  (registers the MoveArm test leaf)

    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith(expected) and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_run_prints_a_summary_and_takes_params(write, capsys):
    write("t.yaml", "params: {d: 1.0}\ntree:\n  Wait: {duration: '${d}'}\n")
    assert main(["run", "t.yaml", "--picks", "2", "--tick-hz", "0", "--set", "d=0.01", "--seed", "3"]) == 0
    assert "2 pick(s): 2 succeeded, 0 failed" in capsys.readouterr().out


def test_a_leaf_bug_exits_2_free_of_traceback_unless_debugging(write, capsys):
    import tests.fakes  # noqa: F401  (registers the Explode test leaf)

    write("t.yaml", "tree:\n  Explode\n")
    assert main(["run", "t.yaml"]) == 1
    err = capsys.readouterr().err
    assert "error: the run stopped on a fault: RuntimeError: sensor cable unplugged" in err
    with pytest.raises(RuntimeError):
        main(["--debug", "run", "t.yaml"])


def test_show_formats(write, capsys, tmp_path):
    tree = str(TUTORIALS / "02_fallback_retry.yaml")
    assert main(["show", tree]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Try candidates best first") and "? try candidates [Selector memory]" in out
    assert main(["show", tree, "--format", "dot"]) == 0
    assert capsys.readouterr().out.startswith('digraph "02_fallback_retry"')
    assert main(["show", tree, "--format", "xml", "-o", str(tmp_path / "t.xml")]) == 0
    assert main(["validate", str(tmp_path / "t.xml")]) == 0


def test_show_lists_the_params_a_file_sets_and_marks_included_subtrees(capsys):
    assert main(["show", "trees/pick_centroid.yaml"]) == 0
    text = capsys.readouterr().out
    assert "[ProposeGrasps strategy='centroid' count=1 observation" in text and "model=" not in text
    assert main(["show", "trees/pick_vitl.yaml"]) == 0
    assert "(included from trees/subtrees/verify_probe.yaml)" in capsys.readouterr().out
    assert main(["show", "trees/pick_vitl.yaml", "--format", "dot"]) == 0
    assert 'label="trees/subtrees/verify_probe.yaml"; style=dashed' in capsys.readouterr().out


def test_behaviours_lists_every_type(capsys):
    assert main(["behaviours", "--json"]) == 0
    rows = {row["name"]: row for row in json.loads(capsys.readouterr().out)}
    assert {"Wait", "Sequence", "Selector", "Parallel", "Retry", "EternalGuard"} <= set(rows)
    assert main(["behaviours"]) == 0
    text = capsys.readouterr().out          # captured: not a terminal, as when piped
    assert "…" not in text                  # nothing cut to fit a table
    assert "for `consecutive` updates in a row, else RUNNING until stopped." in " ".join(text.split())
    assert "strategy: centroid|random|policy" in text and "Include (include)" in text
    assert "num_failures: int, required - failures allowed before failing" in text    # parameter docs too


def test_collect_writes_where_train_reads_and_train_never_overwrites_a_model(tmp_path, capsys):
    from ivfp_bt.cli.collect_cmd import default_out
    from ivfp_bt.cli.main import build_parser

    policy = build_parser().parse_args(["train", "policy"])
    assert policy.data == [default_out("demos", "seen")]
    assert build_parser().parse_args(["train", "anticipation"]).data == [default_out("clips", "seen")]
    for stage in ("policy", "classifier", "anticipation"):
        assert not build_parser().parse_args(["train", stage]).out.is_relative_to("models")
    trained = tmp_path / "policy"
    trained.mkdir()
    (trained / "model.safetensors").write_bytes(b"weights")
    assert main(["train", "policy", "--out", str(trained)]) == 1
    assert "already holds a trained model (model.safetensors); pass --overwrite" in capsys.readouterr().err
    assert (trained / "model.safetensors").read_bytes() == b"weights"


def test_progress_reports_in_plain_lines_when_output_is_a_log(monkeypatch):
    """Rich draws nothing into a file; a collection logged to one still says how far it is."""
    import io

    from rich.console import Console

    import ivfp_bt.cli.progress as progress

    log = io.StringIO()
    bar = progress.progress_bar(Console(file=log, force_terminal=False, width=200))
    with bar:
        task = bar.add_task("collect demos", total=4, info="")
        monkeypatch.setattr(progress, "LOG_EVERY_S", 1e9)
        bar.update(task, advance=1, info="bin 0")       # too soon for a line
        monkeypatch.setattr(progress, "LOG_EVERY_S", 0.0)
        bar.update(task, advance=1, info="bin 1")
        bar.update(task, advance=2, info="bin 2")
        bar.update(task, advance=0, info="bin 2")       # done is said once
    lines = [line for line in log.getvalue().splitlines() if line.startswith("collect demos:")]
    assert [line.split(" (")[0] for line in lines] == ["collect demos: 2/4 bin 1", "collect demos: 4/4 bin 2"]
    assert "eta" in lines[0] and "eta" not in lines[1]


def test_a_tracked_training_reports_its_figures_one_bar_per_task(monkeypatch):
    """The pipeline's `track` (train, bench/paper_tables.py): each description is one task,
    reported with its figures; that is what a log of an unattended training shows."""
    import io

    from rich.console import Console

    import ivfp_bt.cli.progress as progress

    log = io.StringIO()
    monkeypatch.setattr(progress, "LOG_EVERY_S", 0.0)
    with progress.progress_bar(Console(file=log, force_terminal=False, width=200)) as bar:
        track = progress.tracker(bar)
        epochs, reading = track("classifier"), track("read probes")
        reading(10, 10, {})
        epochs(1, 2, {"loss": 0.6931, "epoch": 1})
        epochs(2, 2, {"loss": 0.41234, "epoch": 2})
        assert len(bar.tasks) == 2
    lines = [line.split(" (")[0] for line in log.getvalue().splitlines()
             if line.startswith(("read probes:", "classifier:"))]
    assert lines == ["read probes: 10/10 ", "classifier: 1/2 loss 0.693  epoch 1",
                     "classifier: 2/2 loss 0.412  epoch 2"]


def test_ctrl_c_before_a_command_takes_over_is_one_line(monkeypatch, capsys):
    """Ctrl-C while a tree loads, before the executive handles it: no traceback, exit 130."""
    import ivfp_bt.cli.validate_cmd as validate_cmd

    def interrupted(args):
        raise KeyboardInterrupt
    monkeypatch.setattr(validate_cmd, "handle", interrupted)
    assert main(["validate", "any.yaml"]) == 130
    assert capsys.readouterr().err == "interrupted\n"
