"""`ivfp-bt train policy|classifier|rl|all|anticipation`: the first paper's training stages,
and the second paper's failure-anticipation teacher and students."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ivfp_bt.cli.device_option import add_device_argument, apply_device
from ivfp_bt.cli.progress import progress_bar, tracker
from ivfp_bt.cli.ray_option import add_ray_argument, ray_pool
from ivfp_bt.errors import UserError
from ivfp_bt.models import presets


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("train", help="train the grasp policy, the IVFP classifier and the anticipation monitor",
                       description="Train the models from logged runs (ivfp-bt collect demos, run --record, eval): "
                       "policy by imitation, classifier on labelled probe videos, rl by off-policy REINFORCE on "
                       "grasps the robot collects itself, or all of it in one go. Each saves the model "
                       "(safetensors) with a model card (README.md, training.json).")
    stages = p.add_subparsers(dest="stage", required=True, metavar="STAGE")
    policy = stages.add_parser("policy", help="imitation of demonstrated grasps")
    _data(policy, "runs/models/grasp_policy")
    policy.add_argument("--init", default=None, metavar="DIR|HUB_ID",
                        help="start from this trained policy (its size kept), e.g. to adapt models/grasp_policy to "
                        "another work-cell, or from a ViT's weights (a directory, or a Hugging Face id such as "
                        "google/vit-base-patch16-224 where the machine can download)")
    policy.add_argument("--preset", choices=tuple(presets.POLICY), default="small",
                        help="size from scratch or of the heads on a ViT: small (the shipped one, for a CPU), paper "
                        "(ViT-B/16 with the UperNet head), tiny")
    _fit(policy, epochs=20, batch=16, lr=3e-4)
    classifier = stages.add_parser("classifier", help="the IVFP classifier on labelled probe videos")
    _data(classifier, "runs/models/ivfp_classifier")
    classifier.add_argument("--unseen", type=Path, nargs="*", default=[], help="run directories of unseen items, "
                            "scored but never trained on")
    classifier.add_argument("--probe-s", type=float, default=None, help="use only the first seconds of each probe")
    classifier.add_argument("--passive", action="store_true", help="train on passive observation probes instead")
    classifier.add_argument("--four-way", action="store_true", help="the failure-mode head instead of SUCCESS/FAIL")
    classifier.add_argument("--init", default=None, metavar="DIR|HUB_ID",
                            help="start from this classifier (its size kept; its head too if it is ours), e.g. to "
                            "adapt models/ivfp_classifier to another work-cell's probes, or from any VideoMAE (a "
                            "directory, or a Hugging Face id such as MCG-NJU/videomae-base-finetuned-ssv2, the "
                            "paper's start, where the machine can download)")
    classifier.add_argument("--preset", choices=tuple(presets.CLASSIFIER), default="small",
                            help="size from scratch: small (the shipped one, for a CPU), paper (VideoMAE-base, 16 "
                            "frames of 224²), tiny")
    _fit(classifier, epochs=25, batch=16, lr=3e-4)
    rl = stages.add_parser("rl", help="off-policy REINFORCE with IVFP rewards (collects as it goes)")
    rl.add_argument("--policy", type=Path, default=Path("models/grasp_policy"), help="policy to start from (default: models/grasp_policy)")
    rl.add_argument("--classifier", type=Path, default=Path("models/ivfp_classifier"), help="the classifier whose verdicts are the rewards (default: models/ivfp_classifier)")
    rl.add_argument("--out", type=Path, default=Path("runs/rl"), help="checkpoints and data (default: runs/rl); "
                    "an interrupted run resumes here")
    rl.add_argument("--iterations", type=int, default=50, help="collect-and-update rounds (default: 50)")
    rl.add_argument("--batch", type=int, default=64, help="grasps collected per iteration (default: 64)")
    rl.add_argument("--replay", type=int, default=4, help="iterations of grasps each update uses (default: 4)")
    rl.add_argument("--lr", type=float, default=1e-5, help="learning rate (default: 1e-5)")
    rl.add_argument("--temperature", type=float, default=0.3,
                    help="grasps are sampled from, and REINFORCE improves, softmax(log π / T); below 1 nearer "
                         "the policy's best (default: 0.3)")
    rl.add_argument("--shortlist", type=int, default=0,
                    help="draw each grasp among the policy's K best-ranked (π^(1/T) renormalised over them) and "
                         "improve that draw, so rewards reorder the grasps a ranked pick tries; 0: over the whole "
                         "target (default: 0)")
    rl.add_argument("--tune", choices=("all", "heads"), default="heads",
                    help="parameters RL updates: the width and grasp heads with the ViT backbone frozen, or all "
                         "(default: heads)")
    rl.add_argument("--clip", type=float, default=10.0, help="importance weight clip M (default: 10)")
    rl.add_argument("--kl", type=float, default=0.0, help="β of a KL(π || start policy) penalty that keeps the "
                    "policy near imitation's (default: 0, none)")
    rl.add_argument("--reward", choices=("ivfp", "oracle"), default="ivfp",
                    help="ivfp: the classifier's verdicts, as on a robot; oracle: the simulator's truth, an ablation "
                         "that shows what a perfect classifier would give (default: ivfp)")
    rl.add_argument("--keep", type=int, nargs="*", default=[20, 50], help="iterations kept as checkpoints")
    rl.add_argument("--seed", type=int, default=5000, help="first bin's seed (default: 5000)")
    rl.add_argument("--scene", default=None, help="scene configuration version (default: the current frozen one)")
    _workers(rl)
    add_ray_argument(rl)
    anticipation = stages.add_parser("anticipation", help="the failure-anticipation teacher and students (ViViT)",
                                     description="Train the second paper's networks on clips (ivfp-bt collect clips): "
                                     "a teacher that detects failures in windows that end at them, then one student per "
                                     "--ahead that sees only what came before (CE + MMD to the teacher's features), "
                                     "its alarm calibrated by replaying the validation clips as the monitor sees "
                                     "them. Saves OUT/teacher and OUT/student_<ahead>s.")
    _data(anticipation, "runs/models/anticipation", default_data="data/clips")
    anticipation.add_argument("--preset", choices=("small", "paper", "tiny"), default="small",
                              help="network size: small (the shipped one), paper (224², hidden 256, depth 6), tiny")
    anticipation.add_argument("--modalities", default="rgb,depth,flow", help="comma-separated, from rgb, depth, flow "
                              "(default: rgb,depth,flow)")
    anticipation.add_argument("--ahead", type=float, nargs="+", default=[1.0, 2.0], help="seconds ahead, one student "
                              "each (default: 1 2)")
    anticipation.add_argument("--teacher", type=Path, default=None, help="train students of this saved teacher "
                              "(its size, modalities and period) instead of a new one")
    anticipation.add_argument("--period", type=float, default=1.0, help="seconds between a window's frames (default: "
                              "1, the paper's 1 frame per second)")
    _fit(anticipation, epochs=30, batch=16, lr=3e-4)
    every = stages.add_parser("all", help="collect demos, train policy and classifier, then RL, in one go")
    every.add_argument("--preset", choices=("small", "tiny"), default="small",
                       help="small: the shipped models (about 2.5 h here); tiny: a check that runs in minutes")
    every.add_argument("--out", type=Path, default=Path("runs/train_all"), help="data and models (default: "
                       "runs/train_all); rerun to resume")
    every.add_argument("--seed", type=int, default=0, help="seed of the models and the first demo bin")
    _workers(every)
    for stage in (policy, classifier, rl, anticipation, every):
        add_device_argument(stage)
    p.set_defaults(handler=handle)


def _data(p: argparse.ArgumentParser, out: str, default_data: str = "data/demos_seen") -> None:
    p.add_argument("--data", type=Path, nargs="+", default=[Path(default_data)],
                   help=f"run directories, or directories holding them (default: {default_data})")
    p.add_argument("--out", type=Path, default=Path(out), help=f"where the model goes (default: {out}; the "
                   "shipped models/ are never a default)")
    p.add_argument("--overwrite", action="store_true", help="replace a model already in --out")
    p.add_argument("--seed", type=int, default=0, help="seed (default: 0)")


def _fit(p: argparse.ArgumentParser, epochs: int, batch: int, lr: float) -> None:
    p.add_argument("--epochs", type=int, default=epochs, help=f"passes over the data (default: {epochs})")
    p.add_argument("--batch", type=int, default=batch, help=f"minibatch size (default: {batch})")
    p.add_argument("--lr", type=float, default=lr, help=f"peak learning rate (default: {lr:g})")


def _workers(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="simulation processes (default: one per core)")


def _refuse_overwrite(args: argparse.Namespace) -> None:
    """A trained model is hours of work: replacing one takes saying so."""
    out = getattr(args, "out", None)
    if out is None or getattr(args, "overwrite", True):
        return
    held = sorted(str(path.relative_to(out)) for path in Path(out).rglob("model.safetensors"))
    if held:
        raise UserError(f"{out} already holds a trained model ({', '.join(held)}); pass --overwrite to replace it, "
                        "or choose another --out")


def handle(args: argparse.Namespace) -> int:
    _refuse_overwrite(args)
    apply_device(args)
    import torch
    torch.set_num_threads(os.cpu_count() or 1)
    command = "ivfp-bt " + " ".join(sys.argv[1:])
    with progress_bar() as progress:
        track = tracker(progress)
        if args.stage == "policy":
            from ivfp_bt.training.pipeline import make_policy
            result = make_policy(args.data, args.out, args.epochs, args.batch, args.lr, args.seed, command, track,
                                 config=presets.POLICY[args.preset], init=args.init)
        elif args.stage == "classifier":
            from ivfp_bt.training.pipeline import make_classifier
            result = make_classifier(args.data, args.unseen, args.out, args.epochs, args.batch, args.lr, args.seed,
                                     command, track, probe_s=args.probe_s, passive=args.passive,
                                     four_way=args.four_way, init=args.init, config=presets.CLASSIFIER[args.preset])
        elif args.stage == "rl":
            result = _rl(args, command, track)
        elif args.stage == "anticipation":
            result = _anticipation(args, command, track)
        else:
            from ivfp_bt.training.train_all import train_all
            result = train_all(args.preset, args.out, args.seed, args.workers, command, track)
    print(f"{args.stage}: {_anticipation_summary(result) if args.stage == 'anticipation' else _summary(result)}")
    return 0


def _rl(args: argparse.Namespace, command: str, track):
    from ivfp_bt.models.checkpoints import resolve
    from ivfp_bt.training.reinforce import RLSettings
    from ivfp_bt.training.pipeline import make_rl
    from ivfp_bt.sim.scene_config import scene_config
    if args.iterations < 1 or args.batch < 1:
        raise UserError("--iterations and --batch must be at least 1")
    if not 0.05 <= args.temperature <= 10:
        raise UserError("--temperature must be between 0.05 and 10")
    if args.kl < 0:
        raise UserError("--kl must be 0 or more")
    if not 0 <= args.shortlist <= 20 or args.shortlist == 1:
        raise UserError("--shortlist must be 0 (off) or between 2 and 20")
    settings = RLSettings(iterations=args.iterations, batch=args.batch, replay=args.replay, lr=args.lr,
                          clip=args.clip, temperature=args.temperature, seed=args.seed, workers=args.workers,
                          keep=tuple(args.keep), scene=scene_config(args.scene).version, tune=args.tune,
                          kl=args.kl, reward=args.reward, shortlist=args.shortlist)
    with ray_pool(args) as pool:
        return make_rl(resolve(args.policy), resolve(args.classifier), args.out, settings, command, track, pool)


def _anticipation(args: argparse.Namespace, command: str, track):
    from ivfp_bt.training.pipeline import AnticipationPlan, make_anticipation
    modalities = tuple(m.strip() for m in args.modalities.split(",") if m.strip())
    unknown = sorted(set(modalities) - {"rgb", "depth", "flow"})
    if unknown or not modalities:
        raise UserError(f"--modalities takes rgb, depth and flow, not {', '.join(unknown) or 'nothing'}")
    if args.epochs < 1 or args.batch < 2 or args.period <= 0:
        raise UserError("--epochs must be at least 1, --batch at least 2 (MMD compares batches), --period positive")
    plan = AnticipationPlan(args.preset, modalities, tuple(args.ahead), args.period, args.epochs, args.batch, args.lr,
                            args.seed, args.teacher)
    return make_anticipation(args.data, args.out, plan, command, track)


def _summary(result: dict) -> str:
    def flat(d: dict, prefix: str = ""):
        for k, v in d.items():
            if isinstance(v, dict):
                yield from flat(v, f"{prefix}{k}.")
            else:
                yield f"{prefix}{k} {v:.3f}" if isinstance(v, float) else f"{prefix}{k} {v}"
    return ", ".join(flat(result))


def _anticipation_summary(result: dict) -> str:
    """Per network its test F1, and for a student how it does as a monitor (the cards have the rest)."""
    parts = []
    for name, m in result.items():
        test = m.get("test", {})
        line = (f"{name} test F1 {test.get('f1', 0):.3f} (P {test.get('precision', 0):.2f}, "
                f"R {test.get('recall', 0):.2f})")
        if "monitor" in m:
            a, t = m["monitor"], m["monitor"]["test"]
            line += (f"; as a monitor (P >= {a['threshold']:g}, {a['consecutive']} in a row) it catches {t['caught']} "
                     f"of {t['failures']} failures a median {t['lead_s']:.1f} s ahead and stops "
                     f"{t['false_alarms']} of {t['clips'] - t['failures']} successes")
        parts.append(line)
    return "\n  ".join([""] + parts)
