"""Ablations: each variant builds, changes what it claims, and trains a step of every stage."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from medtalk.data.clips import load_dataset
from medtalk.errors import MedtalkError
from medtalk.model import MEDTalk, preset
from medtalk.train import epochs, loop
from medtalk.train.ablations import ABLATIONS, ablate_config, ablate_stages
from medtalk.train.stages import STAGES, select_stages


@pytest.fixture(scope="module")
def data(tiny_emoface: Path, tmp_path_factory: pytest.TempPathFactory):
    return load_dataset(tiny_emoface, tmp_path_factory.mktemp("ablation-cache"), progress=False)


@pytest.mark.parametrize("name", ABLATIONS)
def test_ablation_trains_one_step_of_each_stage(name: str, data) -> None:
    torch.manual_seed(0)
    config = ablate_config(name, preset("tiny"))
    model = MEDTalk(config)
    rng = np.random.default_rng(0)
    for stage in ablate_stages(name, select_stages("1,2,3")):
        params = loop._set_trainable(model, stage)
        before = [p.detach().clone() for p in params]
        source = loop._batches(stage, data, config, 0.0, "train", loop.TrainOptions(Path("."), Path(".")))
        total, terms = epochs.step_terms(model, stage, source.batch(np.arange(4), rng))
        torch.optim.SGD(params, lr=0.1).zero_grad()
        total.backward()
        torch.optim.SGD(params, lr=0.1).step()
        assert torch.isfinite(total) and set(stage.losses) <= set(terms)
        assert any(not torch.equal(a, p) for a, p in zip(before, params))  # something learned


def test_stage_ablations_drop_exactly_their_terms() -> None:
    full = {s.name: set(s.losses) for s in STAGES}
    no_overlap = {s.name: set(s.losses) for s in ablate_stages("no-overlap", STAGES)}
    no_cycle = {s.name: set(s.losses) for s in ablate_stages("no-cycle", STAGES)}
    assert no_overlap["1-cycle"] == {"self", "cycle"} and no_overlap["1-overlap"] == {"self"}
    assert no_cycle["1-cycle"] == full["1-overlap"] and no_cycle["3-intensity"] == full["3-intensity"]
    assert ablate_config("no-cycle", preset("tiny")) == preset("tiny")
    with pytest.raises(MedtalkError, match="unknown ablation"):
        ablate_stages("no-audio", STAGES)


def test_no_text_ignores_the_transcript_and_no_intensity_is_static() -> None:
    torch.manual_seed(0)
    inputs = dict(audio=torch.randn(1, 200, 80), prosody=torch.randn(1, 200, preset("tiny").intensity.prosody_dim),
                  mel=torch.randn(1, 200, 80), emotion=torch.tensor([0]), num_frames=120)
    text = torch.randn(1, 6, 384)
    with torch.no_grad():
        for name, text_matters in (("no-text", False), (None, True)):
            model = MEDTalk(ablate_config(name, preset("tiny"))).eval()
            a, b = model(**inputs).rig, model(**inputs, text=text).rig
            assert torch.equal(a, b) != text_matters
        model = MEDTalk(ablate_config("no-intensity", preset("tiny"))).eval()
        out = model(**inputs, text=text)
        assert torch.equal(out.intensity, torch.ones(1, 120))
        assert torch.allclose(out.emotion, out.emotion[:, :1].expand_as(out.emotion))  # one code for the clip
