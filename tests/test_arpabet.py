from medtalk.synth import visemes
from medtalk.synth.arpabet import ESPEAK, espeak_symbol, to_espeak
from medtalk.synth.timeline import Phone


def test_every_arpabet_phone_has_a_viseme_of_its_kind():
    cls = {name: visemes.classify(espeak_symbol(name)) for name in ESPEAK}
    assert cls["M"] == cls["P"] == cls["B"] == ("bilabial",)
    assert cls["UW"] == ("round_close",) and cls["OW"][0] == "round_open"
    assert cls["IY"] == ("spread",) and cls["AA"] == ("open",)
    assert cls["F"] == ("labiodental",) and cls["SH"] == ("postalveolar",)
    assert all(c != ("sil",) for c in cls.values())


def test_stress_pauses_and_noise():
    assert espeak_symbol("AH0") == "@" and espeak_symbol("ah1") == "'V"
    assert visemes.split_symbol(espeak_symbol("EY1")) == ("eI", 2)
    for pause in ("SIL", "pau", "+NSN+", "[NOISE]"):
        assert visemes.classify(espeak_symbol(pause)) == ("sil",)


def test_times_are_kept():
    out = to_espeak([Phone("M", 0.1, 0.2), Phone("AY1", 0.2, 0.4)])
    assert [(p.symbol, p.start, p.end) for p in out] == [("m", 0.1, 0.2), ("'aI", 0.2, 0.4)]
