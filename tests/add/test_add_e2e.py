"""`ssl-bib add` end to end: a copy of the shipped catalog against the local
Crossref and arXiv servers. Expected values are written by hand from the
servers' corpora; every successful add is followed by `ssl-bib check`."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from ssl_bib.store import load
from tests.add.add_helpers import AddRun
from tests.arxiv.arxiv_server import Fault


def entry_of(catalog: Path, key: str) -> dict[str, Any]:
    data = tomllib.loads(catalog.read_text(encoding="utf-8"))
    found = [e for e in data["entries"] if e["key"] == key]
    assert len(found) == 1, key
    return found[0]


def added_key(output: str) -> str:
    m = re.search(r"^added (\S+) at entries\.toml:(\d+)$", output, re.MULTILINE)
    assert m, output
    return m.group(1)


def assert_check_passes(add: AddRun) -> None:
    result = add(command="check")
    assert result.exit_code == 0, result.output


def assert_line_is_right(add: AddRun, output: str) -> None:
    """The printed line number is where the printed block starts in the file."""
    lines = add.catalog.read_text(encoding="utf-8").splitlines()
    for m in re.finditer(r"^added (\S+) at entries\.toml:(\d+)$", output, re.MULTILINE):
        line = int(m.group(2))
        assert lines[line - 1] == "[[entries]]"
        assert lines[line] == f'key = "{m.group(1)}"'


# -- each identifier form -------------------------------------------------------------

def test_a_bare_doi_adds_a_conference_paper_under_its_known_venue(add: AddRun) -> None:
    before = add.catalog.read_text(encoding="utf-8")
    result = add("10.1109/CVPR52688.2022.01553", "--category", "MAE", "--code",
                 "https://github.com/facebookresearch/mae=pytorch")
    assert result.exit_code == 0, result.output
    key = added_key(result.output)
    assert key == "heMaskedAutoencodersAre2022"
    entry = entry_of(add.catalog, key)
    assert entry["title"] == "Masked Autoencoders Are Scalable Vision Learners"
    assert entry["authors"] == ["He, Kaiming", "Chen, Xinlei", "Xie, Saining", "Li, Yanghao",
                                "Dollár, Piotr", "Girshick, Ross"]
    assert (entry["year"], entry["month"], entry["venue"]) == (2022, 6, "CVPR")
    assert entry["doi"] == "10.1109/CVPR52688.2022.01553"
    assert entry["url"] == "https://doi.org/10.1109/CVPR52688.2022.01553"
    assert entry["code"] == [{"label": "pytorch",
                              "url": "https://github.com/facebookresearch/mae"}]
    assert entry["categories"] == ["MAE"]
    assert "entry_type" not in entry          # the venue says it: a conference
    label = entry["provenance"]["title"]
    assert re.fullmatch(r"crossref \d{4}-\d{2}-\d{2}", label)
    assert {entry["provenance"][f] for f in ("authors", "year", "doi", "venue")} == {label}
    # Only the new entry was appended: everything before it is byte for byte the same.
    assert add.catalog.read_text(encoding="utf-8").startswith(before)
    assert_line_is_right(add, result.output)
    assert_check_passes(add)


def test_a_doi_link_adds_a_journal_article_under_a_new_venue(add: AddRun) -> None:
    result = add("https://doi.org/10.1038/s41551-022-00914-1", "--no-category")
    assert result.exit_code == 0, result.output
    assert ("added new venue 'Nat. Biomed. Eng' (journal) at entries.toml:"
            in result.output)
    assert "review its name and abbreviation" in result.output
    data = tomllib.loads(add.catalog.read_text(encoding="utf-8"))
    assert data["venues"]["Nat. Biomed. Eng"] == {
        "name": "Nature Biomedical Engineering", "kind": "journal", "issn": "2157-846X"}
    entry = entry_of(add.catalog, "krishnanSelfSupervisedLearning2022")
    assert entry["venue"] == "Nat. Biomed. Eng"
    assert (entry["volume"], entry["issue"], entry["pages"]) == ("6", "12", "1346-1352")
    assert entry["url"] == "https://doi.org/10.1038/s41551-022-00914-1"
    assert "categories" not in entry
    # The venue block printed is the one in the file, at the printed line.
    m = re.search(r"at entries\.toml:(\d+): review", result.output)
    assert m
    lines = add.catalog.read_text(encoding="utf-8").splitlines()
    assert lines[int(m.group(1)) - 1] == '[venues."Nat. Biomed. Eng"]'
    assert_check_passes(add)


def test_a_dx_doi_link_of_a_springer_chapter(add: AddRun) -> None:
    result = add("http://dx.doi.org/10.1007/978-3-030-32226-7_72", "--category", "Predictive")
    assert result.exit_code == 0, result.output
    entry = entry_of(add.catalog, added_key(result.output))
    assert entry["venue"] == "MICCAI"
    assert entry["series"] == "Lecture Notes in Computer Science"
    assert entry["url"] == "http://dx.doi.org/10.1007/978-3-030-32226-7_72"


def test_a_springer_chapter_link(add: AddRun) -> None:
    url = "https://link.springer.com/chapter/10.1007/978-3-030-32226-7_72"
    result = add(url, "--category", "Predictive")
    assert result.exit_code == 0, result.output
    entry = entry_of(add.catalog, "blendowskiHowLearnUnlabeled2019")
    assert entry["url"] == url and entry["doi"] == "10.1007/978-3-030-32226-7_72"
    assert entry["authors"] == ["Blendowski, Maximilian", "Nickisch, Hannes",
                                "Heinrich, Mattias P."]
    assert entry["container_title"] == ("Medical Image Computing and Computer Assisted "
                                        "Intervention – MICCAI 2019")
    assert_check_passes(add)


def test_an_ieee_xplore_link_is_resolved_through_crossref(add: AddRun) -> None:
    url = "https://ieeexplore.ieee.org/document/9098369"
    result = add(url, "--category", "Contrastive")
    assert result.exit_code == 0, result.output
    entry = entry_of(add.catalog, added_key(result.output))
    assert entry["doi"] == "10.1109/ISBI45749.2020.9098369"
    assert (entry["ieee"], entry["venue"], entry["url"]) == ("9098369", "ISBI", url)
    search = [r for r in add.servers.crossref.log if r.path == "/works"]
    assert search[0].params["filter"] == ["prefix:10.1109"]
    assert_check_passes(add)


def test_an_ieee_document_crossref_cannot_name_is_not_found(add: AddRun) -> None:
    result = add("https://ieeexplore.ieee.org/document/1111111", "--no-category")
    assert result.exit_code == 1
    assert ("Crossref cannot resolve IEEE Xplore document 1111111 (no IEEE record names this "
            "document number)") in result.output


def test_a_sciencedirect_link_goes_through_the_alternative_id_filter(add: AddRun) -> None:
    # Rubik's Cube+ is in the catalog with its PII: refused before any request.
    result = add("https://www.sciencedirect.com/science/article/pii/S1361841520301109",
                 "--no-category")
    assert result.exit_code == 1
    assert "already in the catalog as zhuRubiksCubeSelf2020" in result.output
    assert add.servers.crossref.log == []
    # Without it in the catalog, the PII is resolved through Crossref.
    text = add.catalog.read_text(encoding="utf-8")
    start = text.index('key = "zhuRubiksCubeSelf2020"')
    block_end = text.index("[[entries]]", start)
    add.catalog.write_text(text[:start - len("[[entries]]\n")] + text[block_end:],
                           encoding="utf-8")
    result = add("https://www.sciencedirect.com/science/article/abs/pii/S1361841520301109",
                 "--category", "Predictive")
    assert result.exit_code == 0, result.output
    entry = entry_of(add.catalog, added_key(result.output))
    assert (entry["doi"], entry["pii"], entry["venue"]) == (
        "10.1016/j.media.2020.101746", "S1361841520301109", "MedIA")
    assert entry["title"].startswith("Rubik’s Cube+:")          # the entity decoded
    filters = [r.params.get("filter") for r in add.servers.crossref.log]
    assert ["alternative-id:S1361841520301109"] in filters
    assert_check_passes(add)


def test_an_mdpi_link_is_resolved_by_issn_volume_issue_and_article(add: AddRun) -> None:
    result = add("https://www.mdpi.com/2075-4418/12/5/1237", "--no-category")
    # Taleb et al. 2022 is in the catalog: found through Crossref, then refused.
    assert result.exit_code == 1
    assert "already in the catalog as talebSelfSupervisedLearning2022" in result.output
    search = [r for r in add.servers.crossref.log if r.path == "/works"][0]
    assert search.params["filter"] == ["issn:2075-4418"]


def test_an_mdpi_article_crossref_does_not_have_is_not_found(add: AddRun) -> None:
    result = add("https://www.mdpi.com/2075-4418/12/8/9999", "--no-category")
    assert result.exit_code == 1
    assert "no record of ISSN 2075-4418 has volume 12, issue 8, article 9999" in result.output


@pytest.mark.parametrize("form", [
    "2012.06457", "2012.06457v1", "arXiv:2012.06457", "https://arxiv.org/abs/2012.06457",
    "https://arxiv.org/pdf/2012.06457v1.pdf", "https://arxiv.org/html/2012.06457v1",
    "10.48550/arXiv.2012.06457",
])
def test_every_arxiv_form_adds_the_preprint(add: AddRun, form: str) -> None:
    result = add(form, "--category", "Contrastive")
    assert result.exit_code == 0, result.output
    entry = entry_of(add.catalog, "sunContextMattersGraph2020")
    assert entry["title"] == ("Context Matters: Graph-based Self-supervised Representation "
                              "Learning for Medical Images")
    assert entry["authors"] == ["Sun, Li", "Yu, Ke", "Batmanghelich, Kayhan"]
    assert (entry["year"], entry["month"]) == (2020, 12)
    assert entry["arxiv"] == "2012.06457"             # the paper, not one version
    assert entry["url"] == "https://arxiv.org/abs/2012.06457"
    assert (entry["arxiv_class"], entry["venue"], entry["publisher"]) == (
        "cs.CV", "ArXiv", "arXiv")
    assert re.fullmatch(r"arxiv \d{4}-\d{2}-\d{2}", entry["provenance"]["title"])
    assert add.servers.arxiv.log[0].params["id_list"] == [
        form.removeprefix("arXiv:").split("/")[-1].removesuffix(".pdf")
        .replace("10.48550", "").removeprefix("arXiv.")]
    assert_check_passes(add)


def test_an_old_style_arxiv_id_with_a_journal_reference(add: AddRun) -> None:
    result = add("arXiv:hep-ex/0307015", "--no-category", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would add h1collaborationMultiElectronProduction2003 at entries.toml:" in \
        result.output
    assert 'authors = [{ literal = "H1 Collaboration" }]' in result.output
    assert 'arxiv = "hep-ex/0307015"' in result.output
    assert ("arXiv gives the journal reference 'Eur.Phys.J. C31 (2003) 17-29'; no Crossref "
            "record confirms it") in result.output
    assert "dry run: nothing was written" in result.output


def test_a_wrapped_title_with_markup_and_odd_names(add: AddRun) -> None:
    result = add("2403.00001v2", "--no-category")
    assert result.exit_code == 0, result.output
    entry = entry_of(add.catalog, added_key(result.output))
    assert entry["title"] == ("Learning to Segment Anything in Three-Dimensional Ultrasound & "
                              "MRI Volumes with Very Few Labels: A Self-Supervised Approach")
    assert entry["authors"] == ["García-López, Ana María", "van der Berg, Ludwig",
                                "King, Martin Luther Jr.", {"literal": "ImageNet Consortium"}]
    assert entry["arxiv"] == "2403.00001"


def test_a_pmlr_page_maps_to_a_record_only_in_the_catalog(add: AddRun) -> None:
    result = add("https://proceedings.mlr.press/v143/sowrirajan21a.html", "--no-category")
    assert result.exit_code == 1
    assert "already in the catalog as sowrirajanMoCoPretrainingImproves2021" in result.output
    result = add("https://proceedings.mlr.press/v119/chen20j.html", "--no-category")
    assert result.exit_code == 1
    assert ("PMLR paper v119/chen20j is not in the catalog, and no service describes it: "
            "PMLR gives papers no DOI and is not in Crossref") in result.output
    assert "give this page with --link" in result.output
    assert add.servers.crossref.log == [] and add.servers.arxiv.log == []


def test_a_pmlr_paper_is_added_by_its_arxiv_id_with_the_page_as_link(add: AddRun) -> None:
    page = "https://proceedings.mlr.press/v119/chen20j.html"
    result = add("arXiv:2002.05709", "--link", page, "--venue", "ICML", "--category",
                 "Contrastive")
    assert result.exit_code == 0, result.output
    entry = entry_of(add.catalog, "chenSimpleFrameworkContrastive2020")
    assert (entry["url"], entry["pmlr"], entry["arxiv"], entry["venue"]) == (
        page, "v119/chen20j", "2002.05709", "ICML")
    assert "publisher" not in entry              # arXiv did not publish the ICML paper
    assert "venue" not in entry["provenance"]    # the user's, not arXiv's
    # The same page again: the catalog has it now.
    again = add(page, "--no-category")
    assert again.exit_code == 1
    assert "already in the catalog as chenSimpleFrameworkContrastive2020" in again.output
    assert_check_passes(add)


def test_an_openreview_page_in_the_catalog(add: AddRun) -> None:
    result = add("https://openreview.net/forum?id=kQ2SOflIOVC", "--no-category")
    assert result.exit_code == 1
    assert "already in the catalog as yangBetterUnderstandingBetter2022" in result.output


# -- duplicates --------------------------------------------------------------------

@pytest.mark.parametrize(("paper", "key"), [
    ("10.3390/diagnostics12081805", "songCOVID19Infection2022"),           # by DOI
    ("https://doi.org/10.3390/DIAGNOSTICS12081805", "songCOVID19Infection2022"),
    ("2203.05573v2", "zhouSelfPreTraining2023"),                           # by arXiv id
    ("https://arxiv.org/abs/2006.03829", "taleb3DSelfSupervised2020"),      # by title
])
def test_a_paper_in_the_catalog_is_refused(add: AddRun, paper: str, key: str) -> None:
    from tests.arxiv.arxiv_server import Paper

    add.servers.arxiv.papers["2203.05573"] = Paper(
        "2203.05573", "Self Pre-training with Masked Autoencoders for Medical Image "
        "Classification and Segmentation", ["Lei Zhou"], "2022-03-10T00:00:00Z", versions=2)
    before = add.catalog.read_bytes()
    result = add(paper, "--no-category")
    assert result.exit_code == 1
    assert f"already in the catalog as {key}" in result.output
    assert add.catalog.read_bytes() == before


def test_a_probable_duplicate_is_refused_with_both_titles_unless_forced(add: AddRun) -> None:
    before = add.catalog.read_bytes()
    result = add("https://arxiv.org/abs/2010.05352", "--category", "Contrastive")
    assert result.exit_code == 1
    assert ("probable duplicate: 'MoCo-CXR: MoCo Pretraining Improves Representation and "
            "Transferability of Chest X-ray Models' looks like entry "
            "sowrirajanMoCoPretrainingImproves2021 "
            "'MoCo Pretraining Improves Representation and Transferability of Chest X-ray "
            "Models'; not added (give --force to add it anyway)") in result.output
    assert add.catalog.read_bytes() == before
    forced = add("https://arxiv.org/abs/2010.05352", "--category", "Contrastive", "--force")
    assert forced.exit_code == 0, forced.output
    assert ("added although it looks like entry sowrirajanMoCoPretrainingImproves2021"
            in forced.output)


# -- venues ------------------------------------------------------------------------

def test_a_known_venue_is_reached_by_issn(add: AddRun) -> None:
    text = add.catalog.read_text(encoding="utf-8")
    add.catalog.write_text(text.replace(
        'aliases = ["IEEE Transaction on Medical Imaging", "TMI"]\n',
        'aliases = ["IEEE Transaction on Medical Imaging", "TMI"]\nissn = "0278-0062"\n'),
        encoding="utf-8")
    result = add("10.5555/tmi.by-issn", "--no-category")
    assert result.exit_code == 0, result.output
    assert "new venue" not in result.output
    entry = entry_of(add.catalog, added_key(result.output))
    assert entry["venue"] == "IEEE-TMI"
    assert entry["container_title"] == "IEEE Trans Med Imag"   # not the venue's name


def test_without_the_issn_the_same_journal_is_a_new_venue(add: AddRun) -> None:
    result = add("10.5555/tmi.by-issn", "--no-category")
    assert result.exit_code == 0, result.output
    assert "new venue 'IEEE Trans Med Imag' (journal)" in result.output


def test_a_new_conference_takes_the_events_acronym(add: AddRun) -> None:
    result = add("10.5555/cbms.2023.00042", "--no-category")
    assert result.exit_code == 0, result.output
    data = tomllib.loads(add.catalog.read_text(encoding="utf-8"))
    assert data["venues"]["CBMS"] == {
        "name": "IEEE International Symposium on Computer-Based Medical Systems",
        "kind": "conference"}


def test_a_workshop_paper_is_not_filed_under_its_conference(add: AddRun) -> None:
    result = add("10.5555/eccvw.2022.7", "--no-category")
    assert result.exit_code == 0, result.output
    assert entry_of(add.catalog, added_key(result.output))["venue"] == "ECCV Workshops"


def test_venue_forces_a_venue(add: AddRun) -> None:
    result = add("10.5555/cbms.2023.00042", "--no-category", "--venue", "isbi")
    assert result.exit_code == 0, result.output
    assert "new venue" not in result.output
    assert entry_of(add.catalog, added_key(result.output))["venue"] == "ISBI"


def test_an_unknown_forced_venue_is_a_usage_error(add: AddRun) -> None:
    result = add("10.5555/cbms.2023.00042", "--no-category", "--venue", "Nowhere")
    assert result.exit_code == 2
    assert "--venue 'Nowhere' is not a venue of entries.toml" in result.output
    assert add.servers.crossref.log == []


# -- the published version -------------------------------------------------------------

def test_a_published_version_named_by_arxiv_doi_is_offered_not_swapped(add: AddRun) -> None:
    before = add.catalog.read_bytes()
    result = add("2004.07882", "--category", "Generative")
    assert result.exit_code == 1
    assert ("published as DOI 10.1016/j.media.2020.101840 (Medical Image Analysis, 2021: "
            "'Models Genesis'): add that instead with `ssl-bib add 10.1016/j.media.2020.101840 "
            "--arxiv 2004.07882 --category Generative`") in result.output
    assert add.catalog.read_bytes() == before
    # The offered command (forced past the probable duplicate of the MICCAI paper).
    taken = add("10.1016/j.media.2020.101840", "--arxiv", "2004.07882", "--category",
                "Generative", "--force")
    assert taken.exit_code == 0, taken.output
    entry = entry_of(add.catalog, "zhouModelsGenesis2021")
    assert (entry["doi"], entry["arxiv"], entry["venue"]) == (
        "10.1016/j.media.2020.101840", "2004.07882", "MedIA")
    assert_check_passes(add)
    # Now the preprint is the catalog's paper.
    again = add("2004.07882", "--category", "Generative")
    assert "already in the catalog as zhouModelsGenesis2021" in again.output


def test_a_published_version_found_through_the_journal_reference(add: AddRun) -> None:
    result = add("2405.05555", "--no-category")
    assert result.exit_code == 1
    assert "published as DOI 10.5555/media.2025.103300 (Medical Image Analysis, 2025" in \
        result.output
    forced = add("2405.05555", "--no-category", "--force")
    assert forced.exit_code == 0, forced.output
    assert entry_of(add.catalog, added_key(forced.output))["venue"] == "ArXiv"


@pytest.mark.parametrize(("paper", "note"), [
    ("2401.01234", "arXiv names DOI 10.5555/not-in-crossref for the published version; "
                   "Crossref has no record of it"),
    ("2402.04321", "arXiv names DOI 10.1109/ACCESS.2020.2994047 for the published version, "
                   "but its Crossref record does not fit (title similarity"),
])
def test_a_doi_arxiv_names_wrongly_is_reported_and_the_preprint_added(
        add: AddRun, paper: str, note: str) -> None:
    result = add(paper, "--no-category")
    assert result.exit_code == 0, result.output
    assert note in result.output


# -- failures, all or nothing ----------------------------------------------------------

def test_not_found_names_the_id(add: AddRun) -> None:
    result = add("10.5555/no-such-paper", "--no-category")
    assert result.exit_code == 1
    assert "10.5555/no-such-paper: Crossref has no record of DOI 10.5555/no-such-paper" in \
        result.output
    result = add("2401.99999", "--no-category")
    assert result.exit_code == 1
    assert "2401.99999: arXiv has no paper 2401.99999" in result.output


def test_a_doi_that_is_no_paper_is_refused(add: AddRun) -> None:
    result = add("10.5555/dataset.ct-volumes", "--no-category")
    assert result.exit_code == 1
    assert "is a dataset in Crossref, not a paper" in result.output


def test_a_malformed_id_is_exit_2_before_any_request(add: AddRun) -> None:
    result = add("10.1109/CVPR52688.2022.01553", "1234.12345", "--no-category")
    assert result.exit_code == 2
    assert "'1234.12345': month 34 does not exist; expected a DOI" in result.output
    assert add.servers.crossref.log == [] and add.servers.arxiv.log == []


def test_an_id_arxiv_calls_malformed_is_exit_2(add: AddRun,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """An id our rules accept but arXiv's error entry refuses (its rules may be
    stricter than ours one day): a usage error, with arXiv's own message."""
    from tests.arxiv import arxiv_server

    monkeypatch.setattr(arxiv_server, "valid_id", lambda text: False)
    result = add("2111.06377", "--no-category")
    assert result.exit_code == 2
    assert "arXiv refused 2111.06377: incorrect id format for 2111.06377" in result.output
    assert len(add.servers.arxiv.log) == 1


def test_several_ids_are_all_or_nothing(add: AddRun) -> None:
    before = add.catalog.read_bytes()
    result = add("10.1109/CVPR52688.2022.01553", "2401.99999", "10.1038/s41551-022-00914-1",
                 "--no-category")
    assert result.exit_code == 1
    assert "2401.99999: arXiv has no paper 2401.99999" in result.output
    assert ("1 of 3 papers could not be added: nothing was written (--keep-going adds the "
            "others)") in result.output
    assert add.catalog.read_bytes() == before


def test_keep_going_adds_the_others(add: AddRun) -> None:
    result = add("10.1109/CVPR52688.2022.01553", "2401.99999", "10.1038/s41551-022-00914-1",
                 "--no-category", "--keep-going")
    assert result.exit_code == 1
    assert "added heMaskedAutoencodersAre2022" in result.output
    assert "added krishnanSelfSupervisedLearning2022" in result.output
    entry_of(add.catalog, "heMaskedAutoencodersAre2022")
    entry_of(add.catalog, "krishnanSelfSupervisedLearning2022")
    assert_line_is_right(add, result.output)
    assert_check_passes(add)


def test_the_same_paper_twice_in_one_call_is_added_once(add: AddRun) -> None:
    result = add("10.1109/CVPR52688.2022.01553", "https://doi.org/10.1109/cvpr52688.2022.01553",
                 "--no-category", "--keep-going")
    assert result.exit_code == 1
    assert "already in the catalog as heMaskedAutoencodersAre2022" in result.output
    assert result.output.count("added heMaskedAutoencodersAre2022") == 1


def test_dry_run_writes_nothing_and_names_the_line(add: AddRun) -> None:
    before = add.catalog.read_bytes()
    result = add("10.1109/CVPR52688.2022.01553", "--category", "MAE", "--dry-run")
    assert result.exit_code == 0, result.output
    assert add.catalog.read_bytes() == before
    m = re.search(r"would add heMaskedAutoencodersAre2022 at entries\.toml:(\d+)", result.output)
    assert m
    real = add("10.1109/CVPR52688.2022.01553", "--category", "MAE")
    assert f"added heMaskedAutoencodersAre2022 at entries.toml:{m.group(1)}" in real.output
    # The second run asked Crossref nothing: the dry run's answer was cached.
    assert len([r for r in add.servers.crossref.log if r.path.startswith("/works/")]) == 1


def test_throttling_through_the_command_is_waited_out(add: AddRun) -> None:
    add.servers.arxiv.fail_next(Fault("rate", status=503), Fault("rate", status=200))
    result = add("2012.06457", "--no-category")
    assert result.exit_code == 0, result.output
    assert len(add.servers.arxiv.log) == 3


# -- the user's options ---------------------------------------------------------------

def test_key_section_and_code_labels(add: AddRun) -> None:
    result = add("10.1109/CVPR52688.2022.01553", "--category", "MAE", "--key", "MAE2022",
                 "--section", "2021", "--code", "https://github.com/facebookresearch/mae",
                 "--code", "https://gitlab.com/x/mae?ref=main=jax")
    assert result.exit_code == 0, result.output
    entry = entry_of(add.catalog, "MAE2022")
    assert entry["sections"] == [2021] and entry["year"] == 2022
    assert entry["code"] == [
        {"label": "github", "url": "https://github.com/facebookresearch/mae"},
        {"label": "jax", "url": "https://gitlab.com/x/mae?ref=main"}]
    assert_check_passes(add)


@pytest.mark.parametrize(("args", "message"), [
    (("--category", "Nope"), "--category 'Nope' is not a category of entries.toml (known: MAE"),
    ((), "give at least one --category (one of: MAE, Contrastive"),
    (("--category", "MAE", "--no-category"), "give --category or --no-category, not both"),
    (("--no-category", "--key", "bad key"), "--key 'bad key': a key holds only"),
    (("--no-category", "--key", "modelsgenesisgeneric2019"), "is already the key of an entry"),
    (("--no-category", "--code", "ftp://x.org/repo"), "--code: 'ftp://x.org/repo' is not"),
    (("--no-category", "--section", "3000"), "--section: 3000 is not a plausible year"),
    (("--no-category", "--arxiv", "1234.12345"), "--arxiv: '1234.12345': month 34"),
    (("--no-category", "--crossref-url", "ftp://x"), "--crossref-url: 'ftp://x' is not"),
    (("--no-category", "--mailto", "not an address"), "--mailto: 'not an address' is not"),
])
def test_bad_usage_is_exit_2_before_any_request(add: AddRun, args: tuple[str, ...],
                                                message: str) -> None:
    result = add("10.1109/CVPR52688.2022.01553", *args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert add.servers.crossref.log == []


def test_one_paper_options_with_several_ids_are_a_usage_error(add: AddRun) -> None:
    result = add("2111.06377", "2012.06457", "--no-category", "--key", "X")
    assert result.exit_code == 2
    assert "give one ID with them" in result.output


def test_the_catalog_reads_back_as_the_same_data(add: AddRun) -> None:
    add("10.1109/CVPR52688.2022.01553", "2012.06457", "10.1038/s41551-022-00914-1",
        "--no-category")
    loaded = load(add.catalog)
    assert loaded.problems == []
    assert {"heMaskedAutoencodersAre2022", "sunContextMattersGraph2020",
            "krishnanSelfSupervisedLearning2022"} <= {e.key for e in loaded.catalog.entries}
