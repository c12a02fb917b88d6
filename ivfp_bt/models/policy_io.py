"""Between head observations and the grasp policy: the image letterboxed to the model's square
input (RGB + target mask), and the policy's values turned back into ranked grasp candidates
in image pixels, each with the probability the policy gave it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import torch
from torch.nn import functional as F

from ivfp_bt.models import device
from ivfp_bt.models.grasp_policy import GraspPolicy, log_policy
from ivfp_bt.models.normalise import normalise


@dataclass(frozen=True)
class Letterbox:
    """How an H × W image sits in the S × S input: scaled by ``scale``, offset by the padding."""

    scale: float
    pad_x: int
    pad_y: int
    size: int

    def to_image(self, u: int, v: int) -> tuple[int, int]:
        return int(round((u - self.pad_x + 0.5) / self.scale - 0.5)), int(round((v - self.pad_y + 0.5) / self.scale - 0.5))

    def to_input(self, u: float, v: float) -> tuple[float, float]:
        return (u + 0.5) * self.scale - 0.5 + self.pad_x, (v + 0.5) * self.scale - 0.5 + self.pad_y


def letterbox(height: int, width: int, size: int) -> Letterbox:
    scale = size / max(height, width)
    return Letterbox(scale, (size - round(width * scale)) // 2, (size - round(height * scale)) // 2, size)


def policy_input(color: np.ndarray, mask: np.ndarray, size: int) -> tuple[torch.Tensor, torch.Tensor, Letterbox]:
    """(4, S, S) input: normalised RGB and the target mask as a fourth channel; the mask at
    input size (bool, where grasps may be sampled); and the letterbox to map pixels back."""
    h, w = mask.shape
    box = letterbox(h, w, size)
    nh, nw = round(h * box.scale), round(w * box.scale)
    rgb = torch.as_tensor(color).permute(2, 0, 1).float()[None] / 255.0
    rgb = F.interpolate(rgb, size=(nh, nw), mode="bilinear", align_corners=False, antialias=True)[0]
    rgb = normalise(rgb)
    m = F.interpolate(torch.as_tensor(mask, dtype=torch.float32)[None, None], size=(nh, nw), mode="nearest")[0]
    x = torch.zeros(4, size, size)
    x[:3, box.pad_y:box.pad_y + nh, box.pad_x:box.pad_x + nw] = rgb
    x[3:, box.pad_y:box.pad_y + nh, box.pad_x:box.pad_x + nw] = m
    return x, x[3] > 0.5, box


@dataclass(frozen=True)
class PolicyGrasp:
    width: float
    u: int                 # image pixel
    v: int
    probability: float     # π(w, u, v | x); for a tempered draw, the tempered distribution's
    log_prob: float


@torch.inference_mode()
def propose(policy: GraspPolicy, color: np.ndarray, mask: np.ndarray, k: int,
            rng: np.random.Generator | None = None, temperature: float = 1.0) -> list[PolicyGrasp]:
    """``k`` grasps on the target: sampled when ``rng`` is given (exploration, as RL
    collection needs), else the k most probable (widths best first, pixels by value, kept
    at least a few pixels apart so the candidates differ).

    Sampling draws from π tempered: width and pixel each from softmax(log π / temperature), so
    below 1 the draws stay nearer the policy's mode. A sampled grasp's probability is that of
    the distribution it was drawn from (the behaviour probability off-policy learning needs)."""
    x, input_mask, box = policy_input(color, mask, policy.config.image_size)
    if not input_mask.any():
        return []
    on = device.of(policy)
    with device.precision(on):
        q_width, grids = policy.encode(x[None].to(on))
    q_width = q_width.float().cpu()   # the draws below run on the CPU, as they always have
    temperature = temperature if rng is not None else 1.0      # ranking is by π itself
    log_width = F.log_softmax(q_width[0] / temperature, dim=0)
    widths = _choose_widths(log_width, k, rng)
    grasps: list[PolicyGrasp] = []
    for w in sorted(set(widths), key=widths.index):
        with device.precision(on):
            q_grasp = policy.grasp_values(grids, torch.tensor([w], device=on)).float().cpu()
        _, log_pixel = log_policy(q_width, q_grasp, input_mask[None], temperature)
        flat = log_pixel[0].flatten()
        count = widths.count(w)
        for index in _choose_pixels(flat, count, policy.config.image_size, rng):
            v_in, u_in = divmod(int(index), policy.config.image_size)
            u, v = box.to_image(u_in, v_in)
            u, v = _nearest_in_mask(mask, u, v)
            lp = float(log_width[w] + flat[index])
            grasps.append(PolicyGrasp(policy.config.widths[w], u, v, float(np.exp(lp)), lp))
    if rng is None:
        grasps.sort(key=lambda g: -g.log_prob)
    return grasps[:k]


def draw_from_shortlist(ranked: list[PolicyGrasp], rng: np.random.Generator,
                        temperature: float = 1.0) -> list[PolicyGrasp]:
    """The policy's ranked grasps with one drawn from π^(1/temperature) renormalised over them
    moved first, the others after it in rank order; each grasp's probability becomes its
    chance in that draw (the behaviour probability RL over a shortlist needs).

    Exploring among the grasps the trees would try, rather than over the whole target, lets
    rewards reorder them, and the first is the one a ranked pick executes."""
    if not ranked:
        return []
    scaled = np.array([g.log_prob for g in ranked]) / temperature
    chance = np.exp(scaled - scaled.max())
    chance /= chance.sum()
    drawn = int(rng.choice(len(ranked), p=chance))
    order = [drawn] + [i for i in range(len(ranked)) if i != drawn]
    return [replace(ranked[i], probability=float(chance[i])) for i in order]


def _choose_widths(log_width: torch.Tensor, k: int, rng: np.random.Generator | None) -> list[int]:
    if rng is not None:
        p = log_width.exp().double().numpy()
        return [int(i) for i in rng.choice(len(p), size=k, p=p / p.sum())]
    best = torch.argsort(log_width, descending=True).tolist()
    return [best[i % 2] if len(best) > 1 else best[0] for i in range(k)]   # the best two widths, alternating


def _choose_pixels(log_pixel: torch.Tensor, count: int, size: int, rng: np.random.Generator | None,
                   spacing: int = 6) -> list[int]:
    p = log_pixel.exp().double().numpy()
    if rng is not None:
        return [int(i) for i in rng.choice(len(p), size=count, p=p / p.sum())]
    order = [int(i) for i in np.argsort(-p) if p[i] > 0]
    chosen: list[int] = []
    for index in order:   # the best pixels at least `spacing` apart, so that candidates differ...
        if len(chosen) == count:
            break
        v, u = divmod(index, size)
        if all(abs(v - cv) > spacing or abs(u - cu) > spacing for cv, cu in (divmod(c, size) for c in chosen)):
            chosen.append(index)
    # ...and on a target too small for that, the next best ones
    chosen += [i for i in order if i not in chosen][:count - len(chosen)]
    return chosen


def _nearest_in_mask(mask: np.ndarray, u: int, v: int) -> tuple[int, int]:
    """Rounding can land a pixel just off the mask's edge; take the nearest mask pixel."""
    h, w = mask.shape
    u, v = min(max(u, 0), w - 1), min(max(v, 0), h - 1)
    if mask[v, u]:
        return u, v
    rows, cols = np.nonzero(mask)
    i = int(np.argmin((rows - v) ** 2 + (cols - u) ** 2))
    return int(cols[i]), int(rows[i])
