"""medtalk: speech to expressive MetaHuman facial animation (MEDTalk, arXiv 2507.06071)."""

__version__ = "0.1.0"
