"""Usage errors as one line.

Click reports a usage mistake as a three-line block (usage, a hint, then
"Error: ..."), unlike every other error of ssl-bib, which is one line
starting `ssl-bib:`. The top-level group converts each usage error raised
anywhere below it (its own options, a subcommand's, a nested group's such as
`zotero` or `render`) into `OneLineUsageError`, so a new command gets the
same form without doing anything."""

from __future__ import annotations

import re
from typing import IO, Any

import click
from click.exceptions import NoArgsIsHelpError

from ..errors import SslBibError


class OneLineUsageError(click.UsageError, SslBibError):
    """`ssl-bib: export: no such option '--bogus' (see 'ssl-bib export --help')`,
    exit status 2. Click shows it (it is a click.UsageError); it derives from
    SslBibError too, as every error ssl-bib raises."""

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"ssl-bib: {self.format_message()}", file=file, err=True)


def one_line(exc: click.UsageError) -> click.UsageError:
    """The same mistake as a OneLineUsageError; click's help-on-no-arguments
    (a group run without a command) is left alone: it is help, not an error."""
    if isinstance(exc, (OneLineUsageError, NoArgsIsHelpError)):
        return exc
    ctx = exc.ctx
    message = _tidy(exc.format_message())
    if ctx is None:
        return OneLineUsageError(message)
    path = ctx.command_path
    where = path.partition(" ")[2]          # "export", "zotero sync"; "" for the group
    text = f"{where}: {message}" if where else message
    return OneLineUsageError(f"{text} (see '{path} --help')", ctx)


def _tidy(message: str) -> str:
    """Click's sentence ("No such option '--bogus'.") as a clause, on one line."""
    message = " ".join(message.split())
    # "... '--chek'. (Did you mean one of: '--check', '--help'?)" and
    # "... 'sit'. Did you mean 'site'?": one clause each.
    message = re.sub(r"\. \(?Did you mean (.*?)\?\)?$", r"; did you mean \1?", message)
    if message[:1].isupper() and message[1:2].islower():
        message = message[0].lower() + message[1:]
    return message.removesuffix(".")
