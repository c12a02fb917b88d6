"""The training steps as the CLI runs them, alone or all in a row (``train all``): each reads
run directories, trains, saves the model with its card and returns its metrics.

``track(description)`` gives a callback ``(done, total, info)`` for a progress display.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ivfp_bt.errors import UserError
from ivfp_bt.models import presets
from ivfp_bt.models.checkpoints import save
from ivfp_bt.models.grasp_policy import GraspPolicyConfig
from ivfp_bt.models.ivfp_classifier import BINARY, FOUR_WAY, classifier_config
from ivfp_bt.models.pretrained import start_classifier, start_policy
from ivfp_bt.sidecar.dataset import find_runs
from ivfp_bt.sim.scene_config import scene_config
from ivfp_bt.training.imitation import demonstrated_success, grasp_examples, train_imitation
from ivfp_bt.training.model_card import provenance, write_card
from ivfp_bt.training.probe_classifier import score_classifier, train_classifier, video_examples
from ivfp_bt.training.reinforce import RLSettings

if TYPE_CHECKING:
    from ivfp_bt.models.anticipation import FailureAnticipator
    from ivfp_bt.training.anticipation import Split
    from ivfp_bt.training.clip_data import Clip

Track = Callable[[str], Callable[[int, int, dict], None]]


def no_track(description: str) -> Callable[[int, int, dict], None]:
    return lambda done, total, info: None


@dataclass(frozen=True)
class Preset:
    """Sizes of one whole pipeline run (``train all``)."""

    demos: int
    unseen_demos: int
    policy_epochs: int
    classifier_epochs: int
    rl_iterations: int
    rl_batch: int
    policy: dict[str, Any] = field(default_factory=dict)       # GraspPolicyConfig overrides
    classifier: dict[str, Any] = field(default_factory=dict)   # classifier_config overrides
    demo_sets: dict[str, str] = field(default_factory=dict)    # params of collect_demos.yaml


PRESETS = {
    # what models/ ships, sized for a 2-core CPU: about 2.5 h, most of it the demonstrator's foresight
    "small": Preset(demos=1920, unseen_demos=240, policy_epochs=20, classifier_epochs=25, rl_iterations=50, rl_batch=16),
    # the whole pipeline in a couple of minutes, to check it works (tests, a new machine)
    "tiny": Preset(demos=24, unseen_demos=6, policy_epochs=1, classifier_epochs=1, rl_iterations=1, rl_batch=4,
                   policy=presets.POLICY["tiny"], classifier=presets.CLASSIFIER["tiny"],
                   # the demonstrator's first idea, unjudged: 24 foreseen demos can all be successes, and the
                   # classifier needs failures too
                   demo_sets={"foresight": "0"}),
}


def make_policy(data: list[Path], out: Path, epochs: int, batch: int, lr: float, seed: int, command: str,
                track: Track = no_track, config: dict[str, Any] | None = None,
                init: str | Path | None = None) -> dict[str, Any]:
    """Imitation from scratch (``config``: GraspPolicyConfig settings), from the policy in ``init``
    (its configuration kept), or from a ViT there (its backbone; the heads as ``config`` says)."""
    started = time.monotonic()
    start = start_policy(init, config or {}).float().train() if init is not None else None
    policy_config = start.config if start is not None else GraspPolicyConfig(**(config or {}))
    runs = find_runs(data)
    reading = track("read demos")
    examples = grasp_examples(runs, policy_config, demonstrated_success, lambda d, t: reading(d, t, {}))
    policy, metrics = train_imitation(examples, policy_config, epochs, batch, lr, seed, track("imitation"), start)
    save(policy, out)
    write_card(out, "Grasp policy (imitation)", "A GraspPolicy (ivfp_bt/models/grasp_policy.py) trained by imitation "
               "of the simulated demonstrator's successful grasps. Held-out figures compare its most probable grasp "
               "with the demonstrated one on bins it never saw.", command, seed,
               {"data": " ".join(map(str, data)), "started from": provenance(init) if init is not None else "scratch",
                "run directories": len(runs),
                "successful demonstrations": len(examples), "epochs": epochs, "batch": batch, "learning rate": lr}, time.monotonic() - started, metrics)
    return metrics


def make_classifier(data: list[Path], unseen: list[Path], out: Path, epochs: int, batch: int, lr: float, seed: int,
                    command: str, track: Track = no_track, config: dict[str, Any] | None = None,
                    probe_s: float | None = None, passive: bool = False, four_way: bool = False,
                    init: Path | None = None) -> dict[str, Any]:
    """The classifier from scratch, or from the one in ``init`` (its configuration kept)."""
    started = time.monotonic()
    start = start_classifier(init, FOUR_WAY if four_way else BINARY).float().train() if init is not None else None
    video_config = start.config if start is not None else classifier_config(four_way=four_way, **(config or {}))
    reading = track("read probes")
    examples = video_examples(find_runs(data), video_config, probe_s, passive, lambda d, t: reading(d, t, {}))
    model, metrics = train_classifier(examples, video_config, epochs, batch, lr, seed, track("classifier"), start)
    if unseen:
        unseen_examples = video_examples(find_runs(unseen), video_config, probe_s, passive)
        metrics["unseen"] = score_classifier(model, unseen_examples)
    save(model, out)
    probe = "passive observation" if passive else f"the first {probe_s:g} s of each probe" if probe_s else "the probe"
    write_card(out, "IVFP classifier", f"VideoMAEForVideoClassification trained on the labelled wrist videos of {probe} "
               "(labels from the simulated labeller, 96% right; successes undersampled to balance). Scores are against "
               "the simulator's ground truth, SUCCESS the positive class.", command, seed,
               {"data": " ".join(map(str, data)), "unseen data": " ".join(map(str, unseen)) or "none",
                "started from": provenance(init) if init is not None else "scratch",
                "labelled probes": len(examples), "labelled success": int((examples.targets == 0).sum()),
                "epochs": epochs, "batch": batch, "learning rate": lr}, time.monotonic() - started, metrics)
    return metrics


def make_rl(policy: Path, classifier: Path, out: Path, settings: RLSettings, command: str,
            track: Track = no_track, pool: Any = None) -> dict[str, Any]:
    """RL as ``train rl`` runs it; ``pool``: a Ray cluster to collect on (local processes otherwise)."""
    from ivfp_bt.training.reinforce import checkpoint, plot_history, rl_history, train_rl
    started = time.monotonic()
    collecting, updating = track("collect (rl)"), track("rl iterations")
    picks = [0]

    def report(event: str, info: dict) -> None:
        if event == "resume":
            picks[0] = info["iteration"] * settings.batch
            updating(info["iteration"], settings.iterations, {})
        elif event == "bin":
            picks[0] += info["picks"]
            collecting(picks[0], settings.iterations * settings.batch, {})
        else:
            updating(info["iteration"], settings.iterations, {k: v for k, v in info.items() if k != "iteration"})

    last = train_rl(policy, classifier, out, settings, report, pool)
    history = rl_history(out)
    plot_history(history, out / "progress.png")
    rewarded = ("by the IVFP classifier (no oracle)" if settings.reward == "ivfp"
                else "by the simulator's truth (an ablation: what a perfect classifier would give)")
    for kept in sorted({*settings.keep, settings.iterations}):
        directory = checkpoint(out, kept)
        if directory.is_dir() and kept <= settings.iterations:
            write_card(directory, f"Grasp policy (RL, {kept} iterations)", "The imitation policy trained further by "
                       "off-policy REINFORCE on grasps it sampled and collected itself with collect_rl.yaml, rewarded "
                       f"{rewarded}. Per iteration: the mean IVFP reward the robot saw, and from the simulator the "
                       "sampled grasps' true success (a refused grasp as what it would have been) and how often the "
                       "classifier's rewards were right.", command,
                       settings.seed,
                       {"start policy": provenance(policy), "classifier": provenance(classifier), "iterations": kept,
                        "grasps per iteration": settings.batch, "replay iterations": settings.replay,
                        "learning rate": settings.lr, "importance weight clip": settings.clip,
                        "sampling temperature": settings.temperature, "parameters tuned": settings.tune,
                        "KL penalty β": settings.kl, "shortlist": settings.shortlist or "off (the whole target)",
                        "rewards": "IVFP classifier" if settings.reward == "ivfp" else "simulator's truth (ablation)",
                        "scene": scene_config(settings.scene).version},
                       time.monotonic() - started, {"per_iteration": _history_table(history, kept)})
    return {"checkpoint": str(last), "iterations": settings.iterations,
            **({"last_mean_reward": history[-1]["mean_reward"], "last_true_success": history[-1]["true_success"]}
               if history else {})}


def _history_table(history: list[dict], upto: int) -> dict[str, str]:
    return {f"iteration {h['iteration']}": f"mean reward {h['mean_reward']:+.2f}, true success "
            f"{100 * h['true_success']:.0f}%, rewards right {100 * h['reward_right']:.0f}%"
            for h in history if h["iteration"] <= upto}


@dataclass(frozen=True)
class AnticipationPlan:
    """What ``train anticipation`` makes: a teacher, then one student per horizon."""

    preset: str = "small"
    modalities: tuple[str, ...] = ("rgb", "depth", "flow")
    ahead_s: tuple[float, ...] = (1.0, 2.0)
    frame_period_s: float = 1.0
    epochs: int = 30
    batch: int = 16
    lr: float = 3e-4
    seed: int = 0
    teacher: Path | None = None      # train students of this saved teacher instead of a new one
    calibrate: bool = True           # replay validation clips for each student's alarm threshold


def make_anticipation(data: list[Path], out: Path, plan: AnticipationPlan, command: str,
                      track: Track = no_track) -> dict[str, Any]:
    """Teacher and students trained on the clips under ``data``, saved as OUT/teacher and
    OUT/student_<ahead>s, each with its card."""
    from ivfp_bt.models.anticipation import anticipation_config
    from ivfp_bt.training.anticipation import score, split_bins, train_student, train_teacher
    from ivfp_bt.training.clip_data import load_clips

    started = time.monotonic()
    reading = track("read clips")
    clips = load_clips(find_runs(data), lambda d, t: reading(d, t, {}))
    failures = sum(c.failed for c in clips)
    if not failures or failures == len(clips):
        raise UserError(f"{' '.join(map(str, data))}: {len(clips)} clips with {failures} failure(s); "
                        "both successes and failures are needed (collect more clips)")
    given = None
    if plan.teacher is not None:
        from ivfp_bt.models.checkpoints import load_anticipator
        given = load_anticipator(plan.teacher)
    config = given.config if given is not None else anticipation_config(
        plan.preset, modalities=plan.modalities, frame_period_s=plan.frame_period_s)
    blanks = {ahead: round(ahead / config.frame_period_s) for ahead in plan.ahead_s}
    if any(b < 1 or b >= 8 for b in blanks.values()):
        raise UserError(f"--ahead must be 1 to 7 frame periods ({config.frame_period_s:g} s each)")
    split = split_bins(clips)
    if given is not None:
        teacher, results = given, {"teacher": {"from": str(plan.teacher), "test": score(given, clips, split.test, 0)}}
    else:
        teacher, metrics = train_teacher(clips, split, config, plan.epochs, plan.batch, plan.lr, plan.seed,
                                         track("teacher"))
        results = {"teacher": metrics}
    data_card = {"data": " ".join(map(str, data)), "clips": len(clips), "failures": failures,
                 "train / validation / test clips": f"{len(split.train)} / {len(split.validation)} / {len(split.test)}",
                 "modalities": ", ".join(config.modalities), "preset": plan.preset,
                 "teacher": str(plan.teacher or out / "teacher"),
                 "frame period": f"{config.frame_period_s:g} s", "epochs": plan.epochs, "batch": plan.batch,
                 "learning rate": plan.lr}
    if plan.teacher is None:
        _save_anticipator(teacher, out / "teacher", "Failure-anticipation teacher", "A FailureAnticipator "
                          "(ivfp_bt/models/anticipation.py) trained for failure detection: windows of the wrist clip "
                          "that end at the failure (anywhere in a success).", command, plan.seed, data_card, started,
                          results["teacher"])
    for ahead, blank in blanks.items():
        student, metrics = train_student(clips, split, teacher, blank, plan.epochs, plan.batch, plan.lr, plan.seed,
                                         track(f"student {ahead:g} s"))
        if plan.calibrate:
            metrics["monitor"] = calibrate_monitor(student, clips, split, track)
        name = f"student_{ahead:g}s"
        results[name] = metrics
        _save_anticipator(student, out / name, f"Failure-anticipation student ({ahead:g} s ahead)",
                          f"The teacher's student: the same windows with the last {blank} slot(s) blank, so it "
                          f"anticipates a failure {ahead:g} s before it happens. Cross-entropy plus MMD to the frozen "
                          "teacher's features per modality, with learnable loss weights.", command, plan.seed,
                          data_card, started, metrics)
    return results


def calibrate_monitor(student: FailureAnticipator, clips: list[Clip], split: Split,
                      track: Track = no_track) -> dict[str, Any]:
    """The monitor's operating point (threshold, consecutive updates): the best on validation
    clips replayed live (training/monitor_replay.py); set in the student's config, with its scores."""
    from ivfp_bt.training.monitor_replay import monitor_score, operating_point, replay

    def replayed(index, part: str) -> list:
        report, done = track(f"monitor {student.config.ahead_s:g} s, {part}"), []
        for i in index:
            done.append(replay(student, clips[i]))
            report(len(done), len(index), {})
        return done

    validation, test = replayed(split.validation, "validation"), replayed(split.test, "test")
    config = student.config
    if validation:
        config.alarm_threshold, config.alarm_consecutive = operating_point(validation)
    point = (config.alarm_threshold, config.alarm_consecutive)
    return {"threshold": point[0], "consecutive": point[1], "validation": monitor_score(validation, *point),
            "test": monitor_score(test, *point)}


def _save_anticipator(model, directory: Path, title: str, what: str, command: str, seed: int, data: dict,
                      started: float, metrics: dict) -> None:
    save(model, directory)
    write_card(directory, title, what + " Scores take FAILURE as the positive class, on bins split 70/10/20 "
               "(train / validation / test); the epoch kept is the best on validation F1.", command, seed, data,
               time.monotonic() - started, metrics)
