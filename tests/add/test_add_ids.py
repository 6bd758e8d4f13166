"""Every identifier form `ssl-bib add` reads, and the malformed ones it
refuses before any request (with the forms it expected)."""

from __future__ import annotations

import pytest

from ssl_bib.paper_ids import EXPECTED, BadId, parse


@pytest.mark.parametrize(("text", "kind", "value"), [
    # DOIs: bare, doi:, doi.org and dx.doi.org links (with or without scheme), encoded
    ("10.1109/CVPR52688.2022.01553", "doi", "10.1109/CVPR52688.2022.01553"),
    ("doi:10.1038/s41551-022-00914-1", "doi", "10.1038/s41551-022-00914-1"),
    ("https://doi.org/10.1038/s41551-022-00914-1", "doi", "10.1038/s41551-022-00914-1"),
    ("http://dx.doi.org/10.1007/978-3-030-87196-3_6", "doi", "10.1007/978-3-030-87196-3_6"),
    ("doi.org/10.1016/j.media.2020.101840", "doi", "10.1016/j.media.2020.101840"),
    ("https://link.springer.com/chapter/10.1007%2F978-3-030-13969-8_20", "doi",
     "10.1007/978-3-030-13969-8_20"),
    ("https://link.springer.com/article/10.1007/s11548-018-1772-0", "doi",
     "10.1007/s11548-018-1772-0"),
    ("https://onlinelibrary.wiley.com/doi/full/10.1002/mp.15201", "doi", "10.1002/mp.15201"),
    # arXiv: new and old style, versions, prefix, abs/pdf/html links, the DataCite DOI
    ("2111.06377", "arxiv", "2111.06377"),
    ("2111.06377v3", "arxiv", "2111.06377v3"),
    ("arXiv:2111.06377", "arxiv", "2111.06377"),
    ("arxiv: 2111.06377v2", "arxiv", "2111.06377v2"),
    ("0704.0001", "arxiv", "0704.0001"),
    ("hep-ex/0307015", "arxiv", "hep-ex/0307015"),
    ("math.GT/0309136v2", "arxiv", "math.GT/0309136v2"),
    ("arXiv:cond-mat/0207270", "arxiv", "cond-mat/0207270"),
    ("https://arxiv.org/abs/2010.05352", "arxiv", "2010.05352"),
    ("https://arxiv.org/pdf/2010.05352v3.pdf", "arxiv", "2010.05352v3"),
    ("http://arxiv.org/pdf/2010.05352", "arxiv", "2010.05352"),
    ("https://arxiv.org/html/2401.01234v2", "arxiv", "2401.01234v2"),
    ("https://arxiv.org/abs/hep-ex/0307015v1", "arxiv", "hep-ex/0307015v1"),
    ("https://export.arxiv.org/abs/2111.06377", "arxiv", "2111.06377"),
    ("10.48550/arXiv.2111.06377", "arxiv", "2111.06377"),
    ("https://doi.org/10.48550/arXiv.2111.06377", "arxiv", "2111.06377"),
    # publisher links
    ("https://www.sciencedirect.com/science/article/pii/S1361841521000244", "pii",
     "S1361841521000244"),
    ("https://www.sciencedirect.com/science/article/abs/pii/S1361841520301109", "pii",
     "S1361841520301109"),
    ("https://ieeexplore.ieee.org/document/9098369", "ieee", "9098369"),
    ("https://ieeexplore.ieee.org/abstract/document/9098535/", "ieee", "9098535"),
    ("https://www.mdpi.com/2075-4418/12/8/1805", "mdpi", "2075-4418/12/8/1805"),
    ("https://www.mdpi.com/2075-4418/12/8/1805/htm", "mdpi", "2075-4418/12/8/1805"),
    ("https://openreview.net/forum?id=kQ2SOflIOVC", "openreview", "kQ2SOflIOVC"),
    ("https://openreview.net/pdf?id=kQ2SOflIOVC", "openreview", "kQ2SOflIOVC"),
    ("https://proceedings.mlr.press/v119/chen20j.html", "pmlr", "v119/chen20j"),
    ("http://proceedings.mlr.press/v126/hu20a/hu20a.pdf", "pmlr", "v126/hu20a"),
])
def test_every_form_is_read(text: str, kind: str, value: str) -> None:
    paper = parse(text)
    assert (paper.kind, paper.value) == (kind, value)
    assert paper.text == text


def test_an_mdpi_link_keeps_its_parts() -> None:
    assert parse("https://www.mdpi.com/2075-4418/12/8/1805").parts == (
        "2075-4418", "12", "8", "1805")


def test_a_link_is_kept_as_the_papers_link_and_an_id_is_not() -> None:
    assert parse("https://arxiv.org/abs/2010.05352").link == "https://arxiv.org/abs/2010.05352"
    assert parse("2010.05352").link is None


@pytest.mark.parametrize(("text", "why"), [
    ("1234.12345", "month 34 does not exist"),
    ("0613.00001", "month 13 does not exist"),
    ("0612.00001", "new-style arXiv ids start in April 2007"),
    ("1501.0001", "five digits after the dot"),
    ("1412.00001", "four digits after the dot"),
    ("2111.063", "not an arXiv id"),
    ("hep-ex/0313015", "month 13 does not exist"),
    ("hep-ex/0807015", "ran from 1991 to March 2007"),
    ("arXiv:banana", "not an arXiv id"),
    ("https://arxiv.org/list/cs.CV/recent", "arxiv.org/abs/ID"),
    ("10.1109", "not a DOI"),
    ("10.1109/ has spaces", "not a DOI"),
    ("https://doi.org/", "carries no paper identifier"),
    ("https://ieeexplore.ieee.org/xpl/conhome/9091353/proceeding", "no paper identifier"),
    ("https://www.mdpi.com/journal/diagnostics", "mdpi.com/ISSN/VOLUME/ISSUE/ARTICLE"),
    ("https://openreview.net/group?id=ICLR.cc/2022", "openreview.net/forum?id=ID"),
    ("https://example.org/paper.pdf", "a link to example.org carries no identifier"),
    ("PMID:33550007", "PubMed ids are not supported"),
    ("33550007", "PubMed ids are not supported"),
    ("https://pubmed.ncbi.nlm.nih.gov/33550007/", "PubMed links are not supported"),
    ("Masked Autoencoders Are Scalable Vision Learners", "not an identifier"),
    ("", "empty"),
])
def test_malformed_ids_say_why_and_what_was_expected(text: str, why: str) -> None:
    with pytest.raises(BadId) as caught:
        parse(text)
    assert why in caught.value.why
    assert str(caught.value).endswith(EXPECTED)
