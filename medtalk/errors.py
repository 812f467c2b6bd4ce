"""The one exception type users see: a one-line message, exit code 2 from the CLI."""


class MedtalkError(Exception):
    """Bad input or an impossible request, explained in one line."""
