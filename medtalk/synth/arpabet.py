"""CMU/ARPAbet phones (pocketsphinx, flite) as the espeak-ng mnemonics the visemes understand.

Forced alignment (``medtalk.asr.align``) and flite's voices name phones in the
CMU set (``AE``, ``M``, ``pau``); the performer's viseme table is keyed by
espeak-ng's ASCII mnemonics (``a``, ``m``, ``_``). The mapping is by sound:
each ARPAbet phone becomes the espeak-ng symbol of the same phoneme, stress
digits (``AH0``) become espeak stress marks, and silences become a pause.
"""

from __future__ import annotations

from collections.abc import Sequence

from medtalk.synth.timeline import Phone

ESPEAK: dict[str, str] = {
    # vowels and diphthongs (General American)
    "AA": "A:", "AE": "a", "AH": "V", "AO": "O:", "AW": "aU", "AX": "@", "AY": "aI", "EH": "E",
    "ER": "3:", "EY": "eI", "IH": "I", "IX": "I2", "IY": "i:", "OW": "oU", "OY": "OI", "UH": "U",
    "UW": "u:", "AXR": "3",
    # consonants
    "B": "b", "CH": "tS", "D": "d", "DH": "D", "DX": "t#", "F": "f", "G": "g", "HH": "h", "JH": "dZ",
    "K": "k", "L": "l", "M": "m", "N": "n", "NG": "N", "P": "p", "R": "r", "S": "s", "SH": "S",
    "T": "t", "TH": "T", "V": "v", "W": "w", "Y": "j", "Z": "z", "ZH": "Z",
}
PAUSES = frozenset({"SIL", "PAU", "SP", "SPN", "H#", "NSN", "+NSN+", "+SPN+", "<SIL>", "BRTH"})
_STRESS = {"0": "", "1": "'", "2": ","}


def espeak_symbol(arpabet: str) -> str:
    """One ARPAbet phone (any case, optional stress digit) as an espeak-ng mnemonic.

    Pauses and unknown symbols (noise, fillers) become ``_`` (silence);
    an unstressed ``AH0`` is a schwa, as espeak-ng writes it.
    """
    name = arpabet.strip().upper()
    stress = ""
    if name[-1:].isdigit():
        name, stress = name[:-1], _STRESS.get(name[-1], "")
    if name in PAUSES or name not in ESPEAK:
        return "_"
    if name == "AH" and arpabet.strip().endswith("0"):
        return "@"
    return stress + ESPEAK[name]


def to_espeak(phones: Sequence[Phone]) -> list[Phone]:
    """The same phones, times unchanged, with espeak-ng mnemonics for symbols."""
    return [Phone(espeak_symbol(p.symbol), p.start, p.end) for p in phones]
