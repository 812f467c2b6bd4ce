"""Whisper's tokens: the text tokenizer of a model folder, its special tokens, and words made of tokens.

A CTranslate2 Whisper folder holds ``tokenizer.json`` (a byte-level BPE for
the ``tokenizers`` library) and ``config.json`` (the ids of the language
tokens). The special tokens are found by name, so the English-only and the
multilingual vocabularies (whose ids differ by one) both work.
"""

from __future__ import annotations

import json
import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from medtalk.errors import MedtalkError

if TYPE_CHECKING:
    import tokenizers

# Written without spaces between words: a word is then each run of tokens that
# decodes to whole characters (as openai/whisper splits them)
NO_SPACE_LANGUAGES = frozenset({"zh", "ja", "th", "lo", "my", "yue"})
SECONDS_PER_TIMESTAMP = 0.02  # <|0.00|>, <|0.02|>, ... up to <|30.00|>


@cache
def _byte_of() -> dict[str, int]:
    """GPT-2's byte-level alphabet: the printable character ``tokenizer.json`` spells each byte with."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    shifted = [b for b in range(256) if b not in printable]
    return {chr(b): b for b in printable} | {chr(256 + i): b for i, b in enumerate(shifted)}


@dataclass(frozen=True)
class Vocabulary:
    """A model's tokenizer and special token ids; ``languages`` maps a language code to its
    token (empty for an English-only model)."""

    tokenizer: tokenizers.Tokenizer
    eot: int
    sot: int
    transcribe: int
    no_timestamps: int
    languages: dict[str, int]

    @classmethod
    def from_folder(cls, folder: Path, multilingual: bool) -> Vocabulary:
        """The vocabulary of a CTranslate2 Whisper folder (``tokenizer.json``, ``config.json``)."""
        import tokenizers  # here, not at import: `medtalk animate --no-transcribe` never needs it

        try:
            tokenizer = tokenizers.Tokenizer.from_file(str(folder / "tokenizer.json"))
            lang_ids = json.loads((folder / "config.json").read_text()).get("lang_ids", [])
        except Exception as err:  # OSError, json's ValueError, and tokenizers' bare Exception on a bad file
            raise MedtalkError(f"{folder}: cannot read the Whisper tokenizer ({err})") from None
        ids = {name: tokenizer.token_to_id(f"<|{name}|>")
               for name in ("endoftext", "startoftranscript", "transcribe", "notimestamps")}
        if None in ids.values():
            raise MedtalkError(f"{folder}: tokenizer.json lacks Whisper's special tokens")
        if multilingual and not lang_ids:
            raise MedtalkError(f"{folder}: config.json lists no language tokens (lang_ids) for a multilingual model")
        languages = {tokenizer.id_to_token(i)[2:-2]: i for i in lang_ids} if multilingual else {}
        return cls(tokenizer, ids["endoftext"], ids["startoftranscript"], ids["transcribe"],
                   ids["notimestamps"], languages)

    @property
    def timestamp_begin(self) -> int:
        """The token of <|0.00|>; every token from it on is a time."""
        return self.no_timestamps + 1

    def start(self, language: str) -> list[int]:
        """The prompt before the text: start of transcript, then for a multilingual model the
        language and the task."""
        if not self.languages:
            return [self.sot]
        return [self.sot, self.languages[language], self.transcribe]

    def text(self, tokens: list[int]) -> str:
        """The text of ``tokens``, special and time tokens left out."""
        return self.tokenizer.decode([t for t in tokens if t < self.eot])

    def _bytes(self, token: int) -> bytes:
        byte_of = _byte_of()
        return bytes(byte_of[ch] for ch in self.tokenizer.id_to_token(token))

    def words(self, tokens: list[int], language: str) -> list[tuple[str, list[int]]]:
        """Text tokens grouped into words, each ``(text, tokens)``, every token in one word.

        A piece is a run of tokens whose bytes decode to whole characters (a
        Chinese character may span two tokens). In languages written with
        spaces, a piece joins the word before it unless it starts with a
        space or is punctuation; elsewhere each piece is a word.
        """
        pieces: list[tuple[str, list[int]]] = []
        pending, ids = b"", []
        for token in tokens:
            pending += self._bytes(token)
            ids.append(token)
            try:
                text = pending.decode()
            except UnicodeDecodeError as err:
                if err.reason == "unexpected end of data":
                    continue  # the character goes on in the next token
                text = pending.decode(errors="replace")
            pieces.append((text, ids))
            pending, ids = b"", []
        if ids:
            pieces.append((pending.decode(errors="replace"), ids))
        if language in NO_SPACE_LANGUAGES:
            return pieces
        words: list[tuple[str, list[int]]] = []
        for text, ids in pieces:
            # `in string.punctuation` as openai/whisper has it: a substring test, so a blank piece starts a word
            if not words or text.startswith(" ") or text.strip() in string.punctuation:
                words.append((text, ids))
            else:
                words[-1] = (words[-1][0] + text, words[-1][1] + ids)
        return words
