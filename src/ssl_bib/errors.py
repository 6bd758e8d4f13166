"""The root of every error ssl-bib raises, so that a caller (the command
line's entry point, or a Python program using the library) can catch one
class and know the message is a single printable line.

The specific errors live beside the code that raises them (InputError in
problems, ExportError in codecs.fields, CrossrefError in crossref.client, ...)
and derive from `SslBibError`; each says which exit status the command line
gives it: 2 for bad usage or input a person must fix, 1 for an operation
that failed.
"""

from __future__ import annotations


class SslBibError(Exception):
    """Something ssl-bib could not do. `str(error)` is one line, safe to
    print (secrets are never in it); `exit_code` is the command line's status."""

    exit_code = 1

    def format(self) -> str:
        """The message on one line, whatever it was built from."""
        return " ".join(str(self).split())


class UsageError(SslBibError, ValueError):
    """A setting, option or argument value that cannot be used (a malformed
    URL, e-mail address, number of seconds or API key, a policy with no
    bound): nothing was attempted. A ValueError too, as Python callers expect
    of a bad argument."""

    exit_code = 2
