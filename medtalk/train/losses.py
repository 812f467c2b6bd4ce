"""Training losses, returned as dicts of named terms; stages weight them (``stages.py``).

Every term is a mean over real (unpadded) frames. Names:

- stage 1: ``self`` (self-reconstruction), ``overlap_content`` (same content,
  different emotion: swap content codes), ``overlap_emotion`` (same emotion,
  different content: swap emotion codes), ``cycle`` (cycle exchange);
- stage 2: ``recon`` (``D(E_e(R), ACM(A))`` vs ``R``), ``content_cos``
  (``1 - cos(E_c(R), ACM(A))``);
- stage 3: ``recon`` (``D(E_fuse(f_t), ACM(A))`` vs ``R``: the paper decodes
  with the rig's own content code ``E_c(R)``; we decode with the frozen
  stage-2 content of the audio, as at inference, so FIM learns to make up
  for what ACM gets wrong on the emotion controls: MEE 0.0308 -> 0.0298,
  EIE 0.0501 -> 0.0477 on the held-out split, seed 0), ``emotion_cos``
  (``1 - cos(E_e(R), E_fuse(f_t))``), ``intensity`` (L1 between the
  pseudo-intensities ``Int()`` of output and target) and, our addition where
  the data has it (the synthetic generator writes the per-frame intensity it
  performed), ``curve``: ``1 - Pearson(I_t, intensity_t)``, scale-free because
  the scale of ``I_t`` is ``E_fuse``'s to choose;
- the stream stage: stage 3's terms plus ``edge``, the reconstruction on the
  frames of ``edge_mask`` (``train.windows``: the frames a live stream makes
  final from a window cut short after them, and those it crossfades next);
- stage 4: ``recon`` (the stage-3 decoding, also with ``ACM(A)``, with ``f`` replaced by
  ``P_text(description)``, by ``P_image(descriptor)`` and, so that ``E_fuse``
  stays right for the labels it is shared with, by the label's own ``f``:
  the mean of the three, each also reported as ``recon_<branch>``),
  ``text_sim`` and ``image_sim`` (the paper's ``1 - cos(P(x), f_label)``;
  ours a cross-entropy over the cosines to all label embeddings, see
  ``label_contrast``).
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from medtalk.model.inputs import phones_given
from medtalk.model.medtalk import MEDTalk, pseudo_intensity

SIM_TEMPERATURE = 0.1  # of the label contrast in stage 4's L_sim
CURVE_MIN_STD = 0.01  # intensity curves flatter than this (neutral clips) carry no shape


def masked_mean(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean of ``x (B, T, ...)`` over frames where ``mask (B, T)`` is True (and all trailing dims)."""
    weight = mask.to(x.dtype).view(*mask.shape, *([1] * (x.dim() - 2)))
    per_frame = x[0, 0].numel() if x.dim() > 2 else 1
    return (x * weight).sum() / (weight.sum() * per_frame).clamp(min=1.0)


def mse(pred: torch.Tensor, target: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Masked mean squared error of ``(B, T, C)`` tensors."""
    return masked_mean((pred - target) ** 2, mask)


def cosine_distance(a: torch.Tensor, b: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Masked mean of ``1 - cos(a_t, b_t)`` over frames of ``(B, T, D)`` tensors."""
    return masked_mean(1.0 - torch.nn.functional.cosine_similarity(a, b, dim=-1), mask)


def correlation_distance(x: torch.Tensor, y: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean over rows of ``1 - Pearson(x, y)`` on the masked frames of ``(B, T)`` tensors.

    Rows where ``y`` is (nearly) constant have no shape to follow and are skipped.
    """
    w = mask.to(x.dtype)
    count = w.sum(dim=1).clamp(min=1.0)
    dx = (x - (x * w).sum(dim=1, keepdim=True) / count[:, None]) * w
    dy = (y - (y * w).sum(dim=1, keepdim=True) / count[:, None]) * w
    spread = dy.pow(2).sum(dim=1).div(count).sqrt()
    corr = (dx * dy).sum(dim=1) / (dx.pow(2).sum(dim=1).sqrt() * dy.pow(2).sum(dim=1).sqrt()).clamp(min=1e-8)
    rows = spread > CURVE_MIN_STD
    return (1.0 - corr[rows]).mean() if rows.any() else x.sum() * 0.0


def disentangle_losses(model: MEDTalk, batch: dict[str, torch.Tensor], terms: set[str]) -> dict[str, torch.Tensor]:
    """Stage-1 terms among ``terms`` on a batch of rig crops (``batches.RigPairs``).

    ``rig``: anchors ``R(e1, c1)``; ``content_pair``: ``R(e2, c1)`` time-aligned
    (rows where ``has_content_pair`` is False are skipped); ``emotion_pair``:
    ``R(e1, c2)``; ``other``: an unrelated ``R(e2', c2')``. All ``(B, T, 174)``
    with masks ``(B, T)``.
    """
    net, rig, mask = model.disentangle, batch["rig"], batch["mask"]
    out: dict[str, torch.Tensor] = {}
    e_a, c_a = net.encode_emotion(rig), net.encode_content(rig)
    if "self" in terms:
        out["self"] = mse(net.decode(e_a, c_a), rig, mask)
    if "overlap_content" in terms:
        pair = batch["content_pair"]
        both = mask & batch["pair_mask"] & batch["has_content_pair"][:, None]
        e_b, c_b = net.encode_emotion(pair), net.encode_content(pair)
        out["overlap_content"] = 0.5 * (mse(net.decode(e_a, c_b), rig, both) + mse(net.decode(e_b, c_a), pair, both))
    if "overlap_emotion" in terms:
        pair = batch["emotion_pair"]
        both = mask & batch["emotion_pair_mask"]
        e_b, c_b = net.encode_emotion(pair), net.encode_content(pair)
        out["overlap_emotion"] = 0.5 * (mse(net.decode(e_b, c_a), rig, both) + mse(net.decode(e_a, c_b), pair, both))
    if "cycle" in terms:
        other = batch["other"]
        both = mask & batch["other_mask"]
        e_o, c_o = net.encode_emotion(other), net.encode_content(other)
        mixed_ao = net.decode(e_a, c_o)  # emotion of the anchor, content of the other
        mixed_oa = net.decode(e_o, c_a)
        back_a = net.decode(net.encode_emotion(mixed_ao), net.encode_content(mixed_oa))
        back_o = net.decode(net.encode_emotion(mixed_oa), net.encode_content(mixed_ao))
        out["cycle"] = 0.5 * (mse(back_a, rig, both) + mse(back_o, other, both))
    return out


def content_losses(model: MEDTalk, batch: dict[str, torch.Tensor], terms: set[str]) -> dict[str, torch.Tensor]:
    """Stage-2 terms: ACM content decoded with the (frozen) emotion code of the target (for a
    phonetic model, plus the same terms of the content with the phonetic correction)."""
    rig, mask = batch["rig"], batch["mask"]
    net = model.disentangle
    content, phonetic = model.contents(batch["audio"], rig.shape[1], batch["audio_mask"], batch.get("phones"))
    emotion, target = net.encode_emotion(rig), net.encode_content(rig)
    out = {
        "recon": mse(net.decode(emotion, content), rig, mask),
        "content_cos": cosine_distance(target, content, mask),
    }
    return _add_phonetic(out, model, batch, emotion, target, phonetic)


def _add_phonetic(
    out: dict[str, torch.Tensor], model: MEDTalk, batch: dict[str, torch.Tensor], emotion: torch.Tensor,
    target: torch.Tensor, phonetic: torch.Tensor | None,
) -> dict[str, torch.Tensor]:
    """``out`` with ``recon`` and ``content_cos`` (against ``target = E_c(R)``) of the phonetically
    corrected content added, over the items that have phones; the correction trains on these
    alone (``AudioContentMapping.both``)."""
    if phonetic is None:
        return out
    rows = batch["mask"] & phones_given(batch["phones"])[:, None]
    out["recon"] = out["recon"] + mse(model.disentangle.decode(emotion, phonetic), batch["rig"], rows)
    out["content_cos"] = out["content_cos"] + cosine_distance(target, phonetic, rows)
    return out


def audio_content(model: MEDTalk, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    """The frozen ACM content of the batch's audio at the rig rate, ``(B, T, latent)``.

    What ``D`` gets at inference; stage 4 decodes with it.
    """
    with torch.no_grad():
        return model.content(batch["audio"], batch["rig"].shape[1], batch["audio_mask"], batch.get("phones"))


def intensity_losses(model: MEDTalk, batch: dict[str, torch.Tensor], terms: set[str]) -> dict[str, torch.Tensor]:
    """Stage-3 terms: FIM emotion decoded with the ACM content of the audio (ACM keeps training,
    anchored to ``E_c(R)`` by stage 2's cosine term), and for a phonetic model the same
    reconstruction with the phonetically corrected content; with ``edge`` among ``terms``, the
    stream stage's term on ``edge_mask``.

    Text dropout happens in the data (``has_text`` False rows carry no tokens).
    """
    rig, mask = batch["rig"], batch["mask"]
    net = model.disentangle
    content, phonetic = model.contents(batch["audio"], rig.shape[1], batch["audio_mask"], batch.get("phones"))
    f = model.fim.label(batch["emotion"])
    intensity = model.intensity(
        batch["prosody"], batch["mel"], rig.shape[1], batch["text"], batch["text_mask"], batch["mel_mask"], f,
        batch["text_spans"],
    )
    emotion = model.fim.emotion_latent(f, intensity)
    pred = net.decode(emotion, content)
    int_error = (pseudo_intensity(pred) - pseudo_intensity(rig)).abs()
    target = net.encode_content(rig)
    out = {
        "recon": mse(pred, rig, mask),
        "emotion_cos": cosine_distance(net.encode_emotion(rig), emotion, mask),
        "intensity": masked_mean(int_error, mask),
        "curve": correlation_distance(intensity, batch["intensity"], mask & batch["intensity_mask"]),
        "content_cos": cosine_distance(target, content, mask),
    }
    if "edge" in terms:  # the stream stage (``train.windows``): the frames a live stream makes final
        edge = mask & batch["edge_mask"]
        out["edge"] = mse(pred, rig, edge)
        if phonetic is not None:
            rows = edge & phones_given(batch["phones"])[:, None]
            out["edge"] = out["edge"] + mse(net.decode(emotion, phonetic), rig, rows)
    return _add_phonetic(out, model, batch, emotion, target, phonetic)


def guidance_losses(model: MEDTalk, batch: dict[str, torch.Tensor], terms: set[str]) -> dict[str, torch.Tensor]:
    """Stage-4 terms (``guidance_data.GuidedCrops`` batches): guidance vectors in place of ``f``."""
    rig, mask = batch["rig"], batch["mask"]
    net = model.disentangle
    content = audio_content(model, batch)
    label = model.fim.label(batch["emotion"])
    branches = {
        "label": label,
        "text": model.guidance.text(batch["description"]),
        "image": model.guidance.image(batch["descriptor"]),
    }
    out: dict[str, torch.Tensor] = {}
    for name, f in branches.items():
        intensity = model.intensity(
            batch["prosody"], batch["mel"], rig.shape[1], batch["text"], batch["text_mask"], batch["mel_mask"], f,
            batch["text_spans"],
        )
        out[f"recon_{name}"] = mse(net.decode(model.fim.emotion_latent(f, intensity), content), rig, mask)
    out["recon"] = sum(out[f"recon_{name}"] for name in branches) / len(branches)
    labels = model.fim.label(torch.arange(model.config.intensity.num_labels, device=rig.device)).detach()
    for name in ("text", "image"):
        out[f"{name}_sim"] = label_contrast(branches[name], labels, batch["emotion"])
    return out


def label_contrast(guide: torch.Tensor, labels: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """``L_sim`` as a choice among the labels: cross-entropy of ``cos(P(x), f_k) / SIM_TEMPERATURE``.

    ``guide (B, L)``, ``labels (K, L)`` every label's embedding, ``target (B,)`` label ids.
    The paper's ``1 - cos(P(x), f_label)`` only pulls towards the right label;
    this also pushes away from the others, and guidance is read by the label
    it lands closest to. On descriptions in words the generator never uses
    (docs/guidance/dev2_descriptions.txt) a ``P_text`` fitted this way picks
    the right label for 56-61 % against 50-53 % (two seeds each).
    """
    cos = torch.nn.functional.cosine_similarity(guide[:, None, :], labels[None, :, :], dim=-1)
    return torch.nn.functional.cross_entropy(cos / SIM_TEMPERATURE, target)


def direct_losses(model, batch: dict[str, torch.Tensor], terms: set[str]) -> dict[str, torch.Tensor]:
    """Baselines: the rig predicted straight from audio (+ label, + text) by ``model.train_forward``
    (teacher-forced where the model decodes autoregressively): ``recon`` and ``intensity`` as in stage 3."""
    rig, mask = batch["rig"], batch["mask"]
    pred = model.train_forward(batch)
    int_error = (pseudo_intensity(pred) - pseudo_intensity(rig)).abs()
    return {"recon": mse(pred, rig, mask), "intensity": masked_mean(int_error, mask)}


Objective = Callable[[MEDTalk, dict[str, torch.Tensor], set[str]], dict[str, torch.Tensor]]
# what a stage optimises, by name (``stages.Stage.objective``)
OBJECTIVES: dict[str, Objective] = {
    "disentangle": disentangle_losses,
    "content": content_losses,
    "intensity": intensity_losses,
    "direct": direct_losses,
    "guidance": guidance_losses,
}
