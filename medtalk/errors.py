"""The one exception type users see: a one-line message, exit code 2 from the CLI."""


class MedtalkError(Exception):
    """Bad input or an impossible request, explained in one line."""


def reason(exc: BaseException) -> str:
    """The first line of a library's exception message (its type when it has none), to quote in one."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
