"""The Atom feed reader against the shapes the API manual documents and a
real response shows: each trap the manual names has a test here."""

from __future__ import annotations

import pytest

from ssl_bib.arxiv.feed import FeedProblem, is_throttled, parse

HEAD = ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
        'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"{ns}>\n'
        '<title>ArXiv Query: id_list=X</title>\n'
        '<opensearch:totalResults>{n}</opensearch:totalResults>\n')


def feed(entries: str, n: int = 1, ns: str = ' xmlns:arxiv="http://arxiv.org/schemas/atom"'
         ) -> bytes:
    return (HEAD.format(ns=ns, n=n) + entries + "</feed>\n").encode("utf-8")


# The manual's example entry: namespaces declared on each element, the title
# wrapped with indentation, a journal reference, a version-less id.
MANUAL_ENTRY = """
  <entry xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
    <id xmlns="http://www.w3.org/2005/Atom">http://arxiv.org/abs/hep-ex/0307015</id>
    <published xmlns="http://www.w3.org/2005/Atom">2003-07-07T13:46:39-04:00</published>
    <updated xmlns="http://www.w3.org/2005/Atom">2003-07-07T13:46:39-04:00</updated>
    <title xmlns="http://www.w3.org/2005/Atom">Multi-Electron Production at High Transverse
  Momenta in ep Collisions at
      HERA</title>
    <summary xmlns="http://www.w3.org/2005/Atom">  Multi-electron production is studied
at high electron transverse momentum.
    </summary>
    <author xmlns="http://www.w3.org/2005/Atom"><name>H1 Collaboration</name></author>
    <arxiv:comment xmlns:arxiv="http://arxiv.org/schemas/atom">23 pages</arxiv:comment>
    <arxiv:journal_ref xmlns:arxiv="http://arxiv.org/schemas/atom">Eur.Phys.J. C31
      (2003) 17-29</arxiv:journal_ref>
    <link href="http://arxiv.org/abs/hep-ex/0307015v1" rel="alternate" type="text/html"/>
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="hep-ex"/>
    <category term="hep-ex" scheme="http://arxiv.org/schemas/atom"/>
  </entry>
"""


def test_the_manuals_entry_is_read_with_its_wrapped_title_unwrapped() -> None:
    record = parse(feed(MANUAL_ENTRY), "hep-ex/0307015")
    assert record is not None
    assert record.arxiv_id == "hep-ex/0307015" and record.version is None
    assert record.title == ("Multi-Electron Production at High Transverse Momenta in ep "
                            "Collisions at HERA")
    assert record.authors == ("H1 Collaboration",)
    assert (record.year, record.month) == (2003, 7)
    assert record.journal_ref == "Eur.Phys.J. C31 (2003) 17-29"
    assert record.primary_class == "hep-ex"
    assert record.summary.startswith("Multi-electron production is studied at high")


def entry(arxiv_id: str = "1911.12281v2", title: str = "Configuration Spaces of Surfaces",
          extra: str = "", prefix: str = "arxiv") -> str:
    return f"""
  <entry>
    <id>http://arxiv.org/abs/{arxiv_id}</id>
    <updated>2020-04-02T15:26:49Z</updated>
    <published>2019-11-27T16:52:52Z</published>
    <title>{title}</title>
    <summary>An abstract.</summary>
    <author><name>Ricardo Campos</name></author>
    <author><name>Najib Idrissi</name></author>
    {extra}
    <{prefix}:primary_category term="math.QA" scheme="http://arxiv.org/schemas/atom"/>
  </entry>
"""


def test_the_version_suffix_is_split_off_the_id() -> None:
    record = parse(feed(entry()), "1911.12281")
    assert record is not None
    assert (record.arxiv_id, record.version) == ("1911.12281", 2)
    # Published is the first version's date, not the update's.
    assert (record.year, record.month) == (2019, 11)


def test_a_versioned_question_finds_its_entry() -> None:
    assert parse(feed(entry()), "1911.12281v2") is not None


def test_the_arxiv_namespace_is_read_under_any_prefix() -> None:
    body = feed(entry(extra='<ax:doi>10.1016/j.media.2020.101840</ax:doi>', prefix="ax"),
                ns=' xmlns:ax="http://arxiv.org/schemas/atom"')
    record = parse(body, "1911.12281")
    assert record is not None
    assert record.doi == "10.1016/j.media.2020.101840"
    assert record.primary_class == "math.QA"


def test_the_first_of_several_dois_is_the_published_versions() -> None:
    extra = "<arxiv:doi>doi:10.48550/arXiv.1911.12281 10.1007/s00029-020-00590-8</arxiv:doi>"
    record = parse(feed(entry(extra=extra)), "1911.12281")
    assert record is not None and record.doi == "10.1007/s00029-020-00590-8"


def test_a_doi_link_stands_in_for_a_missing_arxiv_doi() -> None:
    extra = '<link title="doi" href="http://dx.doi.org/10.1529/biophysj.104.047340" rel="related"/>'
    record = parse(feed(entry(extra=extra)), "1911.12281")
    assert record is not None and record.doi == "10.1529/biophysj.104.047340"


def test_markup_and_entities_in_a_title_are_cleaned() -> None:
    record = parse(feed(entry(title="The &lt;i&gt;p&lt;/i&gt;-adic   Case &amp;amp; More")),
                   "1911.12281")
    assert record is not None and record.title == "The p-adic Case & More"


# The manual's error example: HTTP 200 with one entry titled "Error".
ERROR_ENTRY = """
  <entry xmlns="http://www.w3.org/2005/Atom">
    <id>http://arxiv.org/api/errors#incorrect_id_format_for_1234.12345</id>
    <title>Error</title>
    <summary>incorrect id format for 1234.12345</summary>
    <author><name>arXiv api core</name></author>
  </entry>
"""


def test_the_error_entry_is_an_error_not_a_paper() -> None:
    with pytest.raises(FeedProblem) as caught:
        parse(feed(ERROR_ENTRY), "1234.12345")
    assert caught.value.kind == "error"
    assert str(caught.value) == "incorrect id format for 1234.12345"


def test_a_paper_titled_error_is_still_a_paper() -> None:
    record = parse(feed(entry(title="Error")), "1911.12281")
    assert record is not None and record.title == "Error"


@pytest.mark.parametrize("body", [b"Rate exceeded.", b"Rate exceeded.\n", b"  rate exceeded"])
def test_rate_exceeded_is_throttling(body: bytes) -> None:
    assert is_throttled(body)
    with pytest.raises(FeedProblem) as caught:
        parse(body, "1911.12281")
    assert caught.value.kind == "throttled"


def test_an_empty_feed_means_no_such_paper() -> None:
    assert parse(feed("", n=0), "2401.99999") is None


def test_the_old_apis_empty_entry_means_no_such_paper() -> None:
    body = feed("<entry><id>http://arxiv.org/abs/2401.99999</id><title></title></entry>")
    assert parse(body, "2401.99999") is None


def test_an_entry_for_another_id_is_not_the_answer() -> None:
    assert parse(feed(entry()), "2001.00001") is None


def test_an_html_page_is_no_feed() -> None:
    with pytest.raises(FeedProblem) as caught:
        parse(b"<html><body>Service unavailable</body></html>", "1911.12281")
    assert caught.value.kind == "not-atom"
