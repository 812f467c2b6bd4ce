"""A small dataset made of a few sentences of a big one (symlinks), for the smoke budget."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from medtalk.data.clips import scan_clips, sentence_key
from medtalk.errors import MedtalkError


def _pick(by_sentence: dict[tuple[str, str, str], list], sentences: int) -> list[tuple[str, str, str]]:
    """One English test sentence, one other test sentence, one validation sentence, the rest training."""
    keys = sorted(by_sentence)
    chosen = [next(k for k in keys if k[1] == "test" and k[2] == "en")]
    chosen += [k for k in keys if k[1] == "test" and k[2] != "en"][:1]
    chosen += [k for k in keys if k[1] == "val"][:1]
    chosen += [k for k in keys if k[1] == "train"][: max(1, sentences - len(chosen))]
    return chosen


def make_subset(data: Path, out: Path, sentences: int) -> Path:
    """``out`` holding ``sentences`` sentences of ``data`` (all their emotions), linked, not copied."""
    if (out / "WAV").is_dir():
        return out
    by_sentence: dict[tuple[str, str, str], list] = defaultdict(list)
    for info in scan_clips(data):
        if info.sentence_id is not None and info.split:
            by_sentence[(info.sentence_id, info.split, info.language or "?")].append(info)
    try:
        chosen = _pick(by_sentence, sentences)
    except StopIteration:
        raise MedtalkError(f"{data}: needs English test sentences and train/val/test splits for a subset") from None
    tmp = out.with_name(out.name + ".partial")
    for sub in ("WAV", "VALID_CTR", "META", "ALIGNED_CTR"):
        (tmp / sub).mkdir(parents=True, exist_ok=True)
    for key in chosen:
        for info in by_sentence[key]:
            for src, sub in ((info.wav, "WAV"), (info.rig, "VALID_CTR"), (info.meta, "META")):
                if src is not None and not (tmp / sub / src.name).exists():
                    (tmp / sub / src.name).symlink_to(src.resolve())
    wanted = {sentence_key(k[0]) for k in chosen}
    for folder in (data / "ALIGNED_CTR").glob("*"):
        if sentence_key(folder.name) in wanted and not (tmp / "ALIGNED_CTR" / folder.name).exists():
            (tmp / "ALIGNED_CTR" / folder.name).symlink_to(folder.resolve())
    (tmp / "subset.json").write_text(json.dumps({"source": str(data), "sentences": [k[0] for k in chosen]}))
    tmp.rename(out)  # complete or absent
    return out
