"""The MEDTalk model (SPEC section 1): configs, stage modules and the composed model.

Importing this package imports torch; ``medtalk`` itself stays light.
"""

from medtalk.model.config import ContentConfig, DisentangleConfig, IntensityConfig, ModelConfig, preset
from medtalk.model.medtalk import MEDTalk, MEDTalkOutput

__all__ = [
    "ContentConfig", "DisentangleConfig", "IntensityConfig", "MEDTalk", "MEDTalkOutput", "ModelConfig", "preset",
]
