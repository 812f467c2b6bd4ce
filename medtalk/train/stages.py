"""The training stages as data: what trains, what is frozen, which losses, which schedule.

Stage 1 runs in three ordered phases (self-reconstruction, overlap exchange,
cycle exchange), each keeping the earlier terms. After it ``E_c``, ``E_e`` and
``D`` are frozen and stages 2 (ACM), 3 (FIM, with ACM still training) and 4
(text and image guidance) map into their spaces.
Learning rates and per-epoch decays are the paper's; epoch counts are ours,
sized for the default synthetic dataset on a 2-core CPU (``--epochs-scale``
multiplies them).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from medtalk.errors import MedtalkError


@dataclass(frozen=True)
class Stage:
    """One phase of training.

    ``number`` is the paper's stage (1-4); ``trainable`` names sub-modules of
    ``MEDTalk`` (dotted paths; everything else is frozen); ``objective`` names the loss
    function in ``losses.OBJECTIVES`` and ``losses`` weights its terms;
    ``data`` is ``"rigs"`` (stage 1), ``"audio"`` or ``"guidance"`` (stage 4:
    audio plus descriptions and face descriptors); the learning rate decays
    as ``lr * decay ** epoch``. An epoch draws ``epoch_fraction`` of the items
    (without replacement): the synthetic set speaks every sentence in all
    seven emotions, so 1/7 is one pass over its sentences. ``loaded_repeat``
    draws each training clip whose transcript holds a word the lexicon loads
    with the clip's emotion that many times per pass (``medtalk.data.clips.repeat_loaded``).
    ``data="stream"`` mixes in windows cut as a live stream cuts them, ``stream_share`` of the
    items (``medtalk.train.windows``). A stage that is not ``default`` runs only when asked for
    (``--stages`` with its number or its name after the dash).
    """

    name: str
    number: int
    trainable: tuple[str, ...]
    objective: str
    losses: dict[str, float]
    data: str
    lr: float
    decay: float
    epochs: int
    batch_size: int
    crop_seconds: float
    epoch_fraction: float = 1.0
    loaded_repeat: int = 1
    stream_share: float = 0.0
    default: bool = True

    def scaled(self, factor: float) -> Stage:
        """The same stage with ``round(epochs * factor)`` epochs (at least 1)."""
        return replace(self, epochs=max(1, round(self.epochs * factor)))


_PASS_OVER_SENTENCES = 1 / 7
_STAGE1 = dict(
    number=1, trainable=("disentangle",), objective="disentangle", data="rigs", lr=1e-4, decay=0.995,
    # E_c, E_e and D are frame-wise: short crops from many rigs beat long crops from few
    batch_size=32, crop_seconds=0.5, epoch_fraction=_PASS_OVER_SENTENCES,
)
_AUDIO = dict(data="audio", lr=1e-3, decay=0.9, batch_size=16, crop_seconds=4.0, epoch_fraction=_PASS_OVER_SENTENCES)

STAGES: tuple[Stage, ...] = (
    Stage("1-self", losses={"self": 1.0}, epochs=20, **_STAGE1),
    Stage("1-overlap", losses={"self": 1.0, "overlap_content": 1.0, "overlap_emotion": 1.0}, epochs=15, **_STAGE1),
    Stage(
        "1-cycle",
        losses={"self": 1.0, "overlap_content": 1.0, "overlap_emotion": 1.0, "cycle": 1.0},
        epochs=15,
        **_STAGE1,
    ),
    Stage(
        "2-content",
        number=2,
        trainable=("acm",),
        objective="content",
        losses={"recon": 1.0, "content_cos": 0.1},
        # Audio to content is the hardest mapping: 8 epochs (500 steps) left it far from
        # fitting even its training clips (lip closures at a third of their height).
        # 18 epochs here and 16 in stage 3 (where ACM keeps training) give it the 34 it had
        # as 24 + 10; the paper's 0.9 decay per pass is 0.985 per 1/7 pass.
        epochs=18,
        **{**_AUDIO, "decay": 0.985},
    ),
    Stage(
        "3-intensity",
        number=3,
        # ACM keeps training here (D stays frozen, stage 2's cosine anchors it to E_c(R)): the
        # audio encoder then trains the 34 epochs a direct audio-to-rig model gets in the same
        # total, and fits the emotion codes FIM makes, which is what D reads at inference.
        # Frozen, as in the paper, its lips were 9 % worse over three seeds (docs/EVALUATION.md).
        trainable=("fim", "acm"),
        objective="intensity",
        losses={"recon": 1.0, "emotion_cos": 0.1, "intensity": 0.1, "curve": 0.1, "content_cos": 0.1},
        # The CMF learns where loaded words are slowly: with 10 epochs it barely raised them.
        epochs=16,
        # A rise on a loaded word shows only when the clip is in that word's emotion: 3 % of
        # the synthetic clips, so they are drawn five times per pass (docs/MODEL.md).
        loaded_repeat=5,
        **_AUDIO,
    ),
    Stage(
        "4-guidance",
        number=4,
        trainable=("guidance", "fim.fuse"),  # P_text, P_image and E_fuse (SPEC section 1)
        objective="guidance",
        losses={"recon": 1.0, "text_sim": 0.1, "image_sim": 0.1},
        epochs=10,
        **{**_AUDIO, "data": "guidance"},
    ),
)

# not one of the paper's stages: run on its own on a trained model (`medtalk train DATA --init MODEL --stages stream`)
STREAM = Stage(
    "5-stream",
    number=5,
    # Fine-tunes a trained model for ``medtalk.live``: the frames at a window's right edge,
    # with little future audio, are what a stream outputs (docs/LIVE.md). Only the audio
    # branch trains: the lips are its content; FIM and the guidance stay as stage 4 left them.
    trainable=("acm",),
    objective="intensity",
    losses={"recon": 1.0, "edge": 1.0, "emotion_cos": 0.1, "intensity": 0.1, "curve": 0.1, "content_cos": 0.1},
    # 16 epochs of 1/7 of 1,050 clips (128 steps) gave the figures of docs/LIVE.md; scale them
    # with --epochs-scale on a larger set
    epochs=16,
    stream_share=0.75,
    default=False,
    **{**_AUDIO, "data": "stream", "lr": 5e-4, "decay": 0.95},
)


def _direct(name: str, trainable: tuple[str, ...]) -> Stage:
    """A learned baseline's one stage: the crops, augmentation, schedule and budget of MEDTalk's
    audio stages (the epochs of 2 + 3), training the whole model straight from audio to rig."""
    content = next(s for s in STAGES if s.name == "2-content")
    return replace(content, name=name, number=1, trainable=trainable, objective="direct",
                   losses={"recon": 1.0, "intensity": 0.1},
                   epochs=sum(s.epochs for s in STAGES if s.number in (2, 3)))


# each architecture of ``medtalk.model.archs`` by name, with the stages that train it
ARCH_STAGES: dict[str, tuple[Stage, ...]] = {
    "medtalk": (*STAGES, STREAM),
    "faceformer": (_direct("faceformer", ("audio", "style", "rig_in", "decoder", "out")),),
    "endtoend": (_direct("endtoend", ("acm", "fim", "decoder")),),
}


def select_stages(
    numbers: str | None, epochs_scale: float = 1.0, available: tuple[Stage, ...] = STAGES
) -> tuple[Stage, ...]:
    """Stages named in a ``"1,2,3,4"`` list by number, or by the name after the dash (``"stream"``);
    when None, the ``default`` ones. Epochs scaled."""
    if not epochs_scale > 0:
        raise MedtalkError(f"--epochs-scale must be positive, got {epochs_scale}")
    wanted = {s.number for s in available if s.default}
    if numbers:
        names = {s.name.split("-", 1)[-1]: s.number for s in available}
        try:
            wanted = {names[n.strip()] if n.strip() in names else int(n) for n in numbers.split(",") if n.strip()}
        except ValueError:
            raise MedtalkError(f"--stages takes stage numbers like 1,2,3 (or names: stream), got {numbers!r}") from None
        unknown = wanted - {s.number for s in available}
        if unknown or not wanted:
            known = ", ".join(str(n) for n in sorted({s.number for s in available}))
            raise MedtalkError(f"--stages: no stage {sorted(unknown) or numbers!r}; stages are {known}")
    return tuple(s.scaled(epochs_scale) for s in available if s.number in wanted)
