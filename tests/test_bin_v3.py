"""bin-v3: its catalogue, the tended bin, the pinned physics, and grasps that differ by where they take an item."""

from __future__ import annotations

import hashlib

import mujoco
import numpy as np
import pytest

from ivfp_bt.sim import open_scene
from ivfp_bt.sim.failure_kind import GraspTrace, failure_kind
from ivfp_bt.sim.items import CATALOGUES, item_set, item_type
from ivfp_bt.sim.oracle import Judgement, Outcome
from ivfp_bt.sim.scene import PlacedItem, Scene, generate_scene
from ivfp_bt.sim.scene_config import physics_mismatch, scene_config

V3 = scene_config("bin-v3")


def alone(name: str, x: float = -0.02) -> PlacedItem:
    """``name`` standing alone at the front of a bin-v3 bin."""
    t = item_type(name, "v3")
    depth = t.extents[1]
    return PlacedItem(name, (x, V3.bin_front_y - 0.005 - depth / 2, V3.bin_floor_z + t.bottom + 0.001), 0.0,
                      t.friction, t.mass, 0, "v3")


def test_the_catalogue_keeps_the_papers_42_with_the_unseen_spread_over_the_same_reasons():
    types = CATALOGUES["v3"]
    assert len(types) == 42 and len({t.name for t in types}) == 42
    seen, unseen = item_set("seen", "v3"), item_set("unseen", "v3")
    assert (len(seen), len(unseen)) == (32, 10)
    reasons = {t.category for t in seen}
    assert {"composite", "off-centre mass", "tall", "thin", "soft", "plain", "round"} == reasons
    assert {t.category for t in unseen} == reasons - {"plain"}   # not merely heavier and more slippery
    assert all(t.why for t in types)


def test_every_item_is_centred_on_its_origin_and_several_are_built_from_parts():
    for t in CATALOGUES["v3"]:
        lo = [min(p.pos[i] - p.size[i] / 2 for p in t.parts) for i in range(3)]
        hi = [max(p.pos[i] + p.size[i] / 2 for p in t.parts) for i in range(3)]
        assert np.allclose(np.add(lo, hi), 0.0, atol=1e-6), t.name
    composite = [t for t in CATALOGUES["v3"] if len(t.parts) > 1]
    assert len(composite) >= 14
    assert any(len({p.density for p in t.parts}) > 1 for t in composite)   # off-centre mass


def test_the_first_catalogue_is_frozen():
    # bin-v1's and bin-v2's items, as they were calibrated: add a catalogue, never edit this one
    text = repr([(t.name, t.category, [(p.shape, p.size, p.pos, p.density) for p in t.parts], t.mass, t.friction,
                  t.rgba, t.seen, t.soft) for t in CATALOGUES["v1"]])
    assert hashlib.sha256(text.encode()).hexdigest()[:16] == "53d0c0a59a538f6a"
    assert all(scene_config(v).catalogue == "v1" and scene_config(v).pad_condim == 4 for v in ("bin-v1", "bin-v2"))


def test_bins_are_packed_from_the_v3_catalogue_and_items_know_their_catalogue():
    scene = generate_scene(5000, V3)
    names = {t.name for t in item_set("seen", "v3")}
    assert all(item.catalogue == "v3" and item.type_name in names for item in scene.items)
    assert scene.items[0].item_type is item_type(scene.items[0].type_name, "v3")


def _per_type_counts(config) -> tuple[float, float]:
    """Items per type over 100 bins: (the types wider than the opening, the narrow ones)."""
    from collections import Counter
    counts = Counter(item.type_name for seed in range(100) for item in generate_scene(9000 + seed, config).items)
    seen = item_set("seen", "v3")
    wide = [counts[t.name] for t in seen if t.extents[0] >= 0.15]
    narrow = [counts[t.name] for t in seen if t.extents[0] < 0.10]
    return sum(wide) / len(wide), sum(narrow) / len(narrow)


def test_goods_that_do_not_fit_a_row_start_the_next_so_wide_ones_are_not_rare():
    import dataclasses
    wide, narrow = _per_type_counts(V3)
    wide_returned, narrow_returned = _per_type_counts(dataclasses.replace(V3, set_aside=False))
    assert wide / narrow > 0.45 > wide_returned / narrow_returned


@pytest.mark.slow
def test_every_item_stands_on_its_own():
    for t in CATALOGUES["v3"]:
        robot = open_scene(Scene(V3, 0, "seen", (alone(t.name),), 0))
        for _ in range(500):
            mujoco.mj_step(robot.model, robot.data)
        assert robot.work_cell.tilt_deg(0) < 5.0, t.name
        robot.close()


def test_the_physics_the_scene_was_calibrated_with_is_recorded_and_a_mismatch_is_one_line(monkeypatch):
    assert V3.mujoco == mujoco.__version__
    assert physics_mismatch(V3) == ""
    assert physics_mismatch(scene_config("bin-v2")) == ""     # calibrated before versions were recorded
    monkeypatch.setattr("importlib.metadata.version", lambda name: "9.9.9")
    line = physics_mismatch(V3)
    assert "bin-v3" in line and V3.mujoco in line and "9.9.9" in line and "\n" not in line


def test_a_person_stands_fallen_items_up_and_it_counts_as_an_intervention():
    items = (alone("tea_box", -0.10), alone("cereal_box", 0.08))
    robot = open_scene(Scene(V3, 0, "seen", items, 0))
    cell = robot.work_cell
    assert "restowed" not in cell.next_pick(np.random.default_rng(0))
    _lay_on_side(robot, 1)
    assert cell.tilt_deg(1) > 80
    context = cell.next_pick(np.random.default_rng(0))
    assert context["restowed"] == 1 and cell.tilt_deg(1) < 5
    robot.close()


def test_a_fallen_item_stays_down_on_scenes_that_are_not_tended():
    v2 = scene_config("bin-v2")
    items = tuple(PlacedItem(name, (x, v2.bin_front_y - 0.045, v2.bin_floor_z + 0.066), 0.0, 0.5, 0.12, 0)
                  for name, x in (("tea_box", -0.10), ("tea_box", 0.08)))
    robot = open_scene(Scene(v2, 0, "seen", items, 0))
    robot.work_cell.next_pick(np.random.default_rng(0))
    _lay_on_side(robot, 1)
    assert "restowed" not in robot.work_cell.next_pick(np.random.default_rng(0))
    assert robot.work_cell.tilt_deg(1) > 80
    robot.close()


@pytest.mark.parametrize("version, taken", [("bin-v3", True), ("bin-v2", False)])
def test_what_was_dropped_in_front_of_the_bin_is_taken_away_before_the_next_order(version, taken):
    """A tall item dropped in front of the bin can lean across the arm's way in; bin-v3's tote is emptied."""
    config = scene_config(version)
    items = tuple(PlacedItem("tea_box", (x, config.bin_front_y - 0.045, config.bin_floor_z + 0.066), 0.0, 0.5, 0.12, 0,
                             config.catalogue) for x in (-0.10, 0.08))
    robot = open_scene(Scene(config, 0, "seen", items, 0))
    robot.work_cell.next_pick(np.random.default_rng(0))
    adr = robot.model.jnt_qposadr[robot.model.body_jntadr[robot.item_bodies[1]]]
    robot.data.qpos[adr:adr + 3] = [0.0, config.bin_front_y + 0.15, 0.2]    # dropped: on the floor in front
    mujoco.mj_forward(robot.model, robot.data)
    robot.work_cell.next_pick(np.random.default_rng(0))
    mujoco.mj_forward(robot.model, robot.data)
    assert (robot.data.xpos[robot.item_bodies[1]][1] > 2.0) == taken
    assert robot.work_cell.reachable() == [0]
    robot.close()


def test_an_item_is_ordered_at_most_twice_so_one_hard_item_cannot_fill_a_trial():
    robot = open_scene(Scene(V3, 0, "seen", (alone("tea_box", -0.10), alone("wooden_block", 0.08)), 0))
    rng = np.random.default_rng(0)
    orders = [robot.work_cell.next_pick(rng) for _ in range(5)]    # nothing is picked: both stay in the bin
    robot.close()
    assert [o is None for o in orders] == [False, False, False, False, True]
    assert sorted(o["target"] for o in orders[:4]) == [0, 0, 1, 1]


def test_a_deep_item_beside_a_shallow_one_can_be_ordered():
    # fronts level, centres not: bin-v1 and bin-v2 counted the shallow one as standing in front
    items = (alone("wooden_block", -0.07), alone("cereal_box", 0.0))
    robot = open_scene(Scene(V3, 0, "seen", items, 0))
    assert 1 in robot.work_cell.reachable()
    robot.close()


def _lay_on_side(robot, index: int) -> None:
    joint = robot.model.body_jntadr[robot.item_bodies[index]]
    adr = robot.model.jnt_qposadr[joint]
    robot.data.qpos[adr + 2] = V3.bin_floor_z + 0.03
    robot.data.qpos[adr + 3:adr + 7] = [np.cos(np.pi / 4), np.sin(np.pi / 4), 0.0, 0.0]
    for _ in range(300):
        mujoco.mj_step(robot.model, robot.data)


@pytest.mark.parametrize("held, turn, outcome, kind", [
    ([False, False], [0, 0], Outcome.FAIL_NOT_PICKED, "missed"),
    ([True, True, False], [0, 2, 3], Outcome.FAIL_NOT_PICKED, "slip"),
    ([True, True, True], [0, 40, 60], Outcome.FAIL_NOT_PICKED, "twist"),
    ([True, True], [0, 0], Outcome.FAIL_MULTIPICK, "multipick"),
    ([False], [0], Outcome.FAIL_WRONG_ITEM, "wrong_item"),
    ([True], [0], Outcome.SUCCESS, ""),
])
def test_failure_kinds(held, turn, outcome, kind):
    robot = open_scene(Scene(V3, 0, "seen", (alone("tea_box"),), 0))
    trace = GraspTrace(robot, robot.work_cell.gripper_body, held=held, turn_deg=turn)
    assert failure_kind(Judgement(outcome, (), ()), trace) == kind
    robot.close()


def test_an_item_lying_after_the_grasp_tipped():
    robot = open_scene(Scene(V3, 0, "seen", (alone("cereal_box"),), 0))
    _lay_on_side(robot, 0)
    trace = GraspTrace(robot, robot.work_cell.gripper_body, held=[True, False], turn_deg=[0, 10])
    assert failure_kind(Judgement(Outcome.FAIL_NOT_PICKED, (), ()), trace) == "tip"
    robot.close()


def _foresee(name: str, height: float) -> Judgement | None:
    """A whole attempt on ``name`` alone, aimed at ``height`` (fraction of its own) in the middle
    of its front face, opened 1 cm wider than it."""
    from ivfp_bt.pick.motion_plan import grasp_tool_point
    t = item_type(name, "v3")
    robot = open_scene(Scene(V3, 0, "seen", (alone(name),), 0))
    robot.work_cell.next_pick(np.random.default_rng(0))
    top = V3.bin_floor_z + t.extents[2]
    point = grasp_tool_point(np.array([-0.02, V3.bin_front_y - 0.005, V3.bin_floor_z + height * t.extents[2]]), top=top)
    judged = robot.work_cell.foresee_grasp(point, min(0.12, t.extents[0] + 0.01))
    robot.close()
    return judged


@pytest.mark.slow
def test_where_an_item_is_taken_decides_the_pick():
    # the toy airplane's wings, wider than the opening, span its upper middle: above or below them it comes out
    assert _foresee("toy_airplane", 0.5).outcome is not Outcome.SUCCESS
    assert _foresee("toy_airplane", 0.9).outcome is Outcome.SUCCESS


def test_the_contact_sheet_renders_every_item_of_the_catalogue(tmp_path):
    import cv2

    from ivfp_bt.cli.main import main
    from ivfp_bt.cli.sim_cmd import CATALOGUE_NAMES
    from ivfp_bt.sim.contact_sheet import COLUMNS, TILE

    assert set(CATALOGUE_NAMES) == set(CATALOGUES)
    out = tmp_path / "items.png"
    assert main(["sim", "items", "-o", str(out)]) == 0
    sheet = cv2.imread(str(out))
    assert sheet.shape[1] == COLUMNS * TILE and sheet.shape[0] >= 6 * TILE
    tiles = [sheet[r * (TILE + 34):r * (TILE + 34) + TILE, c * TILE:(c + 1) * TILE] for r in range(6) for c in range(7)]
    # each tile shows its item: something other than the floor and the backdrop
    assert all(tile.std() > 10 for tile in tiles)
    assert len({tile.tobytes() for tile in tiles}) == 42


def test_a_physics_mismatch_shows_in_the_command_line_and_in_the_results(monkeypatch):
    from ivfp_bt.cli.main import _physics_warning
    from ivfp_bt.evaluation.report import physics_note

    assert _physics_warning("bin-v3") == "" and "calibrated with MuJoCo 3.17.0" in physics_note("bin-v3")
    real = __import__("importlib.metadata").metadata.version
    monkeypatch.setattr("importlib.metadata.version", lambda name: "4.0.0" if name == "mujoco" else real(name))
    assert "4.0.0" in _physics_warning("bin-v3") and _physics_warning("bin-v2") == ""
    assert "**bin-v3 was calibrated with MuJoCo 3.17.0 but 4.0.0 is installed" in physics_note("bin-v3")


def test_run_picks_from_the_bin_its_scene_names(capsys):
    from ivfp_bt.cli.main import main

    assert main(["run", "trees/pick_centroid.yaml", "--scene", "bin-v3", "--picks", "1", "--seed", "5000"]) == 0
    target = capsys.readouterr().out.split("(target: ")[1].split(")")[0]
    v3, v2 = generate_scene(5000, V3), generate_scene(5000, scene_config("bin-v2"))
    assert target == v3.target_item.type_name and [i.type_name for i in v3.items] != [i.type_name for i in v2.items]
    assert main(["run", "trees/pick_centroid.yaml", "--robot", "stretch", "--scene", "bin-v3"]) == 1
    assert capsys.readouterr().err.strip() == "error: --scene and --objects choose the simulated bin (--robot sim)"


def test_a_bin_with_nothing_left_to_order_ends_the_run_before_another_tick():
    """When the work-cell has nothing left to order, the run stops before the tree is ticked
    again: one more tick ran the last pick's tree on, and its sidecar logged a grasp at an item
    nobody ordered (one that had been picked and dropped, outside the workspace). The work-cell
    also plays its foreseen futures at the pace the run ticks, so that they come out as executed."""
    from ivfp_bt.runner import Executive, RunOptions
    from ivfp_bt.tree.load import load_tree
    robot = open_scene(Scene(V3, 0, "seen", (alone("tea_box"),), 0))
    ticks_when_asked = []

    def one_order_only(rng):
        ticks_when_asked.append(executive.tree.count)
        return real(rng) if len(ticks_when_asked) == 1 else None

    real, robot.work_cell.next_pick = robot.work_cell.next_pick, one_order_only
    executive = Executive(load_tree("trees/pick_centroid.yaml"), RunOptions(picks=3, tick_hz=5, seed=0),
                          write=lambda line: None, robot_factory=lambda kind, seed: robot)
    summary = executive.run()
    assert summary.stopped == "bin empty" and len(summary.pick_log) == 1
    assert executive.tree.count == ticks_when_asked[-1]
    assert robot.work_cell.pace == 0.2
