"""A service URL's host must be one the IDNA codec encodes; an ASCII host is
judged by the codec's ASCII rule written out (service_settings), which must
agree with the codec itself on every host."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ssl_bib.service_settings import _idna_encodes, is_http_url


def _codec_encodes(host: str) -> bool:
    try:
        host.encode("idna")
    except UnicodeError:
        return False
    return True


_LABEL = st.one_of(st.text("abcxyz019-", max_size=70), st.sampled_from(["", "a" * 63, "a" * 64]))
_HOSTS = st.builds(".".join, st.lists(_LABEL, min_size=1, max_size=5))


@given(_HOSTS)
def test_an_ascii_host_is_judged_as_the_codec_judges_it(host: str) -> None:
    assert _idna_encodes(host) == _codec_encodes(host)


@given(st.text(max_size=30))
def test_any_host_is_judged_as_the_codec_judges_it(host: str) -> None:
    assert _idna_encodes(host) == _codec_encodes(host)


def test_hand_picked_hosts() -> None:
    for host, ok in [("api.crossref.org", True), ("a..b", False), (".a", False),
                     ("example.org.", True), ("a" * 63 + ".org", True),
                     ("a" * 64 + ".org", False), ("org." + "a" * 64, False),
                     ("bücher.example", True), ("xn--bcher-kva.example", True)]:
        assert _idna_encodes(host) is ok, host
    assert is_http_url("https://api.crossref.org/works")
    assert not is_http_url("https://a..b/works")
