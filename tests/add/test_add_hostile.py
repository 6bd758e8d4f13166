"""`ssl-bib add` against a Crossref or arXiv that cannot be reached, asks for
too long a wait, trickles its answer or sends a gigabyte: each is one line
within a measured bound, and the catalog is left byte for byte as it was.
Both services go through the same conduct, so every case runs for both."""

from __future__ import annotations

import re
import socket
import time
from dataclasses import dataclass

import pytest
from click.testing import Result

from tests.add.add_helpers import AddRun
from tests.arxiv.arxiv_server import Fault as ArxivFault
from tests.cli_helpers import one_line
from tests.crossref.crossref_server import Fault as CrossrefFault

DOI = "10.1109/CVPR52688.2022.01553"           # MAE, through Crossref
ARXIV = "2111.06377"                           # MAE, through arXiv
RETRY_LINE = (r"longer than the {limit} s allowed \(--max-wait\); try again after "
              r"\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d UTC; nothing was written")


@dataclass(frozen=True)
class Service:
    name: str
    paper: str
    variable: str                              # its URL's environment variable
    timeout: str                               # its read timeout's

    def throttle(self, add: AddRun, retry_after: str) -> None:
        if self.name == "Crossref":
            add.servers.crossref.fail_next(CrossrefFault("429", retry_after=retry_after))
        else:
            add.servers.arxiv.fail_next(ArxivFault("rate", status=429,
                                                   retry_after=retry_after))

    def misbehave(self, add: AddRun, kind: str) -> None:
        if self.name == "Crossref":
            add.servers.crossref.fail_next(CrossrefFault(kind))
        else:
            add.servers.arxiv.fail_next(ArxivFault(kind))


SERVICES = [Service("Crossref", DOI, "SSL_BIB_CROSSREF_URL", "SSL_BIB_CROSSREF_TIMEOUT"),
            Service("arXiv", ARXIV, "SSL_BIB_ARXIV_URL", "SSL_BIB_ARXIV_TIMEOUT")]
IDS = [s.name for s in SERVICES]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def timed(add: AddRun, *args: str, env: dict[str, str] | None = None) -> tuple[Result, float]:
    started = time.monotonic()
    result = add(*args, env=env)
    took = time.monotonic() - started
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert "Traceback" not in result.output
    return result, took


@pytest.mark.parametrize("where", ["refused", "unknown-host", "tls"])
@pytest.mark.parametrize("service", SERVICES, ids=IDS)
def test_an_unreachable_service_is_one_line_within_2_s(add: AddRun, service: Service,
                                                        where: str) -> None:
    """Even with --keep-going: a service that is not there stops the run."""
    url = {"refused": f"http://127.0.0.1:{_closed_port()}",
           "unknown-host": "http://no-such-host.invalid:8080",
           "tls": getattr(add.servers, service.name.lower()).url.replace("http:", "https:"),
           }[where]
    before = add.catalog.read_bytes()
    result, took = timed(add, service.paper, "10.1038/s41551-022-00914-1", "--no-category",
                         "--keep-going", env={service.variable: url})
    line = one_line(result.output)
    assert result.exit_code == 1
    assert took < 2.0, f"{where}: {took:.2f} s"
    assert line.startswith(f"ssl-bib: cannot reach {service.name} at {url} ("), line
    assert line.endswith("; nothing was written")
    assert add.catalog.read_bytes() == before


@pytest.mark.parametrize("service", SERVICES, ids=IDS)
def test_a_retry_after_beyond_the_limit_stops_at_once(add: AddRun, service: Service) -> None:
    before = add.catalog.read_bytes()
    service.throttle(add, "299")
    result, took = timed(add, service.paper, "--no-category")
    assert result.exit_code == 1 and took < 2.0
    assert re.fullmatch(rf"ssl-bib: {service.name} asked to wait 299 s \(Retry-After\), "
                        + RETRY_LINE.format(limit="60"), one_line(result.output)), result.output
    assert add.catalog.read_bytes() == before


@pytest.mark.parametrize(("args", "env", "limit"), [
    (["--max-wait", "1"], {}, "1"), ([], {"SSL_BIB_MAX_WAIT": "1.5"}, "1.5"),
    (["--max-wait", "2"], {"SSL_BIB_MAX_WAIT": "100"}, "2"),
], ids=["option", "env", "option-over-env"])
@pytest.mark.parametrize("service", SERVICES, ids=IDS)
def test_the_wait_limit_is_configurable(add: AddRun, service: Service, args: list[str],
                                        env: dict[str, str], limit: str) -> None:
    service.throttle(add, "5")
    result, took = timed(add, service.paper, "--no-category", *args, env=env)
    assert result.exit_code == 1 and took < 3.0
    assert re.fullmatch(rf"ssl-bib: {service.name} asked to wait 5 s \(Retry-After\), "
                        + RETRY_LINE.format(limit=re.escape(limit)), one_line(result.output)), \
        result.output


@pytest.mark.parametrize("service", SERVICES, ids=IDS)
def test_the_wait_limit_from_the_catalog_setting(add: AddRun, service: Service) -> None:
    text = add.catalog.read_text(encoding="utf-8")
    add.catalog.write_text(text.replace("[settings]\n", "[settings]\nmax_wait = 3\n", 1),
                           encoding="utf-8")
    service.throttle(add, "4")
    result, _ = timed(add, service.paper, "--no-category")
    assert result.exit_code == 1 and "longer than the 3 s allowed" in result.output
    service.throttle(add, "2")                 # within the limit: waited out, then added
    result, took = timed(add, service.paper, "--no-category")
    assert result.exit_code == 0, result.output
    assert took >= 1.9


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "90000", "soon"])
def test_a_bad_max_wait_is_a_usage_error_for_every_command(add: AddRun, value: str) -> None:
    """One option shared by add, enrich and zotero: checked the same way."""
    for command, args in (("add", [DOI, "--no-category"]), ("enrich", []),
                          ("zotero", ["status"])):
        result = add(*args, "--max-wait", value, command=command)
        assert result.exit_code == 2, (command, value, result.output)
        assert "--max-wait" in result.output and "Traceback" not in result.output
    assert add.servers.crossref.log == []


@pytest.mark.parametrize("service", SERVICES, ids=IDS)
def test_a_trickling_answer_ends_at_the_exchange_deadline(add: AddRun,
                                                          service: Service) -> None:
    """A byte every 0.2 s never trips the 1 s read timeout; the whole
    exchange ends at 1.5 s, and before a first answer it is not retried."""
    before = add.catalog.read_bytes()
    service.misbehave(add, "slowloris")
    result, took = timed(add, service.paper, "--no-category", env={service.timeout: "1"})
    assert result.exit_code == 1
    assert one_line(result.output) == (f"ssl-bib: cannot reach {service.name} at "
                                f"{getattr(add.servers, service.name.lower()).url} (no "
                                "complete answer within 1.5 s); nothing was written")
    assert 1.4 <= took < 2.5, f"{took:.2f} s"
    assert add.catalog.read_bytes() == before


@pytest.mark.parametrize("kind", ["huge", "huge-chunked"])
@pytest.mark.parametrize(("service", "cap"), [(SERVICES[0], "5.0 MB"), (SERVICES[1], "1.0 MB")],
                         ids=IDS)
def test_a_gigabyte_answer_is_refused_unread(add: AddRun, service: Service, cap: str,
                                             kind: str) -> None:
    before = add.catalog.read_bytes()
    service.misbehave(add, kind)
    result, took = timed(add, service.paper, "--no-category")
    assert result.exit_code == 1 and took < 3.0, f"{took:.2f} s"
    line = one_line(result.output)
    assert line.startswith(f"ssl-bib: {service.paper}: "), line
    assert f"{service.name}'s answer to GET /" in line and f"over the {cap} limit" in line
    assert add.catalog.read_bytes() == before
    # Nothing of it was cached: the next run asks again, and adds the paper.
    result, _ = timed(add, service.paper, "--no-category")
    assert result.exit_code == 0, result.output
