"""The studio: a local web app to animate, direct, watch and export, served with its HTTP API.

- :func:`create_app`: the FastAPI app for a work folder (``medtalk studio`` serves it);
- :mod:`~medtalk.studio.takes`: a take's lifecycle, calling the same library as the CLI;
- :mod:`~medtalk.studio.store`: the work folder, the only place the studio reads or writes;
- ``static/``: the page (hand-written JS and CSS, no CDN). See ``docs/STUDIO.md``.
"""

from medtalk.studio.app import create_app
from medtalk.studio.uploads import Limits

__all__ = ["Limits", "create_app"]
