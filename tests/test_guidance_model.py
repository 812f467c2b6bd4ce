"""P_text and P_image: shapes, configuration, and that they learn to point at a label embedding."""

from __future__ import annotations

import pytest
import torch

from medtalk.guidance.descriptor import DESCRIPTOR_DIM
from medtalk.model.config import IntensityConfig
from medtalk.model.guidance import Guidance, GuidanceConfig, ImageProjection, TextProjection


def test_defaults_match_the_label_space_and_inputs() -> None:
    config = GuidanceConfig()
    assert config.label_dim == IntensityConfig().label_dim
    assert config.text_dim == 384 and config.image_dim == DESCRIPTOR_DIM


def test_shapes_and_eval_is_deterministic() -> None:
    torch.manual_seed(0)
    model = Guidance(GuidanceConfig(label_dim=8, hidden=16)).eval()
    text, image = torch.randn(5, 384), torch.randn(5, DESCRIPTOR_DIM)
    assert model.text(text).shape == (5, 8)
    assert model.image(image).shape == (5, 8)
    assert torch.equal(model.text(text), model.text(text))
    with pytest.raises(AssertionError):
        model.image(torch.randn(5, DESCRIPTOR_DIM + 1))


@pytest.fixture
def one_thread():
    """Tiny models: thread start-up and contention on a shared machine cost more than the maths."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.mark.parametrize("kind", [TextProjection, ImageProjection])
def test_learns_to_point_at_label_embeddings(kind: type, one_thread: None) -> None:
    """Two input clusters pulled onto two label directions by 1 - cos (stage 4's L_sim)."""
    torch.manual_seed(1)
    config = GuidanceConfig(label_dim=8, hidden=32)
    model = kind(config)
    dim = config.text_dim if kind is TextProjection else config.image_dim
    centres, labels = torch.randn(2, dim), torch.randn(2, config.label_dim)
    x = centres.repeat_interleave(32, 0) + 0.3 * torch.randn(64, dim)
    target = labels.repeat_interleave(32, 0)

    def similarity() -> float:
        model.eval()
        with torch.no_grad():
            return torch.cosine_similarity(model(x), target).mean().item()

    before = similarity()
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(100):
        model.train()
        loss = (1 - torch.cosine_similarity(model(x), target)).mean()
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
    assert similarity() > max(0.95, before + 0.3)
