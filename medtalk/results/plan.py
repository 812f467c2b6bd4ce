"""What ``make results`` trains: every row of the tables as training runs, with shared prefixes.

Every row's stages 1-2 are a run of their own and its stage 3 another, so a
change to stage 3 re-runs only stage 3. Stage 1 of the full model is trained
once and shared by its seeds (each trains its own stage 2) and by the
ablations that do not change it (``no-intensity``, ``no-text``, which also
share seed 0's stage 2: they change only stage 3). The stage-1 ablations
(``no-overlap``, ``no-cycle``) train their own stages 1-2. Baselines train
their one stage with the epochs of our stages 2 + 3.
"""

from __future__ import annotations

from dataclasses import dataclass

SEEDS = (0, 1, 2)  # the headline rows' seeds (mean and spread)


@dataclass(frozen=True)
class Run:
    """One ``medtalk train`` run: ``name`` is its folder; ``init`` the run whose model it starts from."""

    name: str
    args: tuple[str, ...]
    init: str | None = None
    row: str | None = None  # the table row it is a sample of (None: an intermediate run)


@dataclass(frozen=True)
class Budget:
    """How much to train: the preset, the epoch scale, and how many sentences of the data to use (0: all)."""

    preset: str
    epochs_scale: float
    sentences: int = 0


BUDGETS = {
    "full": Budget("default", 1.0),
    # the whole pipeline in about a minute: tiny models on a handful of sentences
    "smoke": Budget("tiny", 0.05, sentences=6),
}


def plan() -> tuple[Run, ...]:
    """Every run, in an order where ``init`` comes first and the headline rows come seed by seed."""
    runs = [Run("full-stage1", ("--stages", "1"))]
    for s in SEEDS:  # the headline rows seed by seed: every seed finished gives a comparable table
        stage2 = "full-stage2" if s == SEEDS[0] else f"full-stage2-seed{s}"
        seed = ("--seed", str(s))
        runs += [Run(stage2, ("--stages", "2", *seed), init="full-stage1"),
                 Run(f"full-seed{s}", ("--stages", "3", *seed), init=stage2, row="full")]
        runs += [Run(f"{arch}-seed{s}", ("--arch", arch, *seed), row=arch) for arch in ("endtoend", "faceformer")]
    runs += [Run(a, ("--stages", "3", "--ablation", a), init="full-stage2", row=a) for a in ("no-intensity", "no-text")]
    for a in ("no-overlap", "no-cycle"):
        runs += [Run(f"{a}-stage2", ("--stages", "1,2", "--ablation", a)),
                 Run(a, ("--stages", "3", "--ablation", a), init=f"{a}-stage2", row=a)]
    return tuple(runs)


HEADLINE = ("full", "faceformer", "endtoend")  # Table 1 rows with seeds
ABLATION_ROWS = ("no-overlap", "no-cycle", "no-intensity", "no-text")  # Table 3
