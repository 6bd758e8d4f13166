"""`ssl-bib enrich` end to end: a copy of the bundled catalog against the
local Crossref server. The expected values below were written by hand from
the corpus records (not produced by the code under test)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from ssl_bib.crossref.enrich import ENRICH_FIELDS
from ssl_bib.model import Entry
from ssl_bib.store import load, save
from tests.catalog_texts import messages
from tests.crossref.crossref_corpus import DECOY_DOIS, corpus
from tests.crossref.crossref_helpers import SEED, RunEnrich, invoke_enrich
from tests.crossref.crossref_server import CrossrefServer

SPRINGER = "Springer International Publishing"
IEEE_LONG = "Institute of Electrical and Electronics Engineers (IEEE)"
LNCS = "Lecture Notes in Computer Science"
HAGHIGHI = ["Haghighi, Fatemeh", "Hosseinzadeh Taher, Mohammad Reza", "Zhou, Zongwei",
            "Gotway, Michael B.", "Liang, Jianming"]
HERVELLA = ["Hervella, Álvaro S.", "Rouco, José", "Novo, Jorge", "Ortega, Marcos"]

# key -> every field enrichment must have filled, with its exact value.
EXPECTED: dict[str, dict[str, Any]] = {
    "ModelsGenesisGeneric2019": {
        "authors": ["Zhou, Zongwei", "Sodha, Vatsal", "Rahman Siddiquee, Md Mahfuzur",
                    "Feng, Ruibin", "Tajbakhsh, Nima", "Gotway, Michael B.", "Liang, Jianming"],
        "container_title": "Medical Image Computing and Computer Assisted Intervention – "
                           "MICCAI 2019",
        "series": LNCS, "pages": "384-393", "publisher": SPRINGER, "isbn": "9783030322502"},
    "LearningSemanticsEnriched2020": {
        "authors": HAGHIGHI,
        "container_title": "Medical Image Computing and Computer Assisted Intervention – "
                           "MICCAI 2020",
        "series": LNCS, "pages": "137-147", "publisher": SPRINGER, "isbn": "9783030597091",
        "month": 9},
    "TransferableVisualWords2021": {
        "authors": HAGHIGHI, "container_title": "IEEE Transactions on Medical Imaging",
        "volume": "40", "issue": "10", "pages": "2857-2868", "publisher": IEEE_LONG,
        "issn": "0278-0062", "month": 9},
    "ContrastiveLearningContinuous2022": {
        "authors": ["Dufumier, Benoit", "Gori, Pietro", "Victor, Julie", "Grigis, Antoine",
                    "Duchesnay, Edouard"],
        "container_title": "Medical Image Computing and Computer Assisted Intervention – "
                           "MICCAI 2021",
        "series": LNCS, "pages": "58-68", "publisher": SPRINGER, "isbn": "9783030871956"},
    "COVID19Infection2022": {
        "container_title": "Diagnostics", "volume": "12", "issue": "8",
        "article_number": "1805", "publisher": "MDPI AG", "issn": "2075-4418", "month": 7},
    "SelfSupervisedLearning2022a": {
        "authors": ["Taleb, Aiham", "Rohrer, Csaba", "Bergner, Benjamin", "De Leon, Guilherme",
                    "Rodrigues, Jonas Almeida", "Schwendicke, Falk", "Lippert, Christoph",
                    "Krois, Joachim"],
        "container_title": "Diagnostics", "volume": "12", "issue": "5",
        "article_number": "1237", "publisher": "MDPI AG", "issn": "2075-4418", "month": 5},
    "SelfSupervisedPretraining2022": {
        "authors": ["Kalapos, András", "Gyires-Tóth, Bálint"],
        "container_title": "Computer Vision – ECCV 2022 Workshops", "series": LNCS,
        "pages": "472-484", "publisher": "Springer Nature Switzerland",
        "isbn": "9783031250811"},
    "SelfSupervisedLearning2017": {
        "authors": ["Jamaludin, Amir", "Kadir, Timor", "Zisserman, Andrew"],
        "container_title": "Deep Learning in Medical Image Analysis and Multimodal Learning "
                           "for Clinical Decision Support",
        "series": LNCS, "pages": "294-302", "publisher": SPRINGER, "isbn": "9783319675572"},
    "SelfSupervisedMultimodal2021": {
        "authors": HERVELLA, "doi": "10.1016/j.eswa.2021.115598",
        "container_title": "Expert Systems with Applications", "volume": "185",
        "article_number": "115598", "publisher": "Elsevier BV", "issn": "0957-4174",
        "month": 12},
    "RubiksCubeSelf2020": {
        "authors": ["Zhu, Jiuwen", "Li, Yuexiang", "Hu, Yifan", "Ma, Kai", "Zhou, S. Kevin",
                    "Zheng, Yefeng"],
        "doi": "10.1016/j.media.2020.101746", "container_title": "Medical Image Analysis",
        "volume": "64", "pages": "101746", "article_number": "101746",
        "publisher": "Elsevier BV", "issn": "1361-8415", "month": 8},
    "LearningRetinalAnatomy2020": {
        "authors": HERVELLA, "doi": "10.1016/j.asoc.2020.106210",
        "container_title": "Applied Soft Computing", "volume": "91",
        "article_number": "106210", "publisher": "Elsevier BV", "issn": "1568-4946",
        "month": 6},
    "SelfSupervisedLearning2019a": {
        "authors": ["Chen, Liang", "Bentley, Paul", "Mori, Kensaku", "Misawa, Kazunari",
                    "Fujiwara, Michitaka", "Rueckert, Daniel"],
        "doi": "10.1016/j.media.2019.101539", "container_title": "Medical Image Analysis",
        "volume": "58", "pages": "101539", "article_number": "101539",
        "publisher": "Elsevier BV", "issn": "1361-8415", "month": 12},
    "IntraInterSlice2022": {
        "authors": ["He, Xingxin", "Fang, Leyuan", "Tan, Mingkui", "Chen, Xiangdong"],
        "doi": "10.1109/TIP.2022.3148814",
        "container_title": "IEEE Transactions on Image Processing", "volume": "31",
        "pages": "1870-1881", "publisher": IEEE_LONG, "issn": "1057-7149"},
    "SelfPathSelf2021": {
        "authors": ["Koohbanani, Navid Alemi", "Unnikrishnan, Balagopal", "Khurram, Syed Ali",
                    "Krishnaswamy, Pavitra", "Rajpoot, Nasir"],
        "doi": "10.1109/TMI.2021.3056023",
        "container_title": "IEEE Transactions on Medical Imaging", "volume": "40",
        "issue": "10", "pages": "2845-2856", "publisher": IEEE_LONG, "issn": "0278-0062",
        "month": 10},
    "RetinalImageClassification2020": {
        "authors": ["Luo, Yueguo", "Pan, Jing", "Fan, Shaoshuai", "Du, Zeyu",
                    "Zhang, Guanghua"],
        "doi": "10.1109/ACCESS.2020.2994047", "container_title": "IEEE Access",
        "volume": "8", "pages": "92352-92362", "publisher": IEEE_LONG, "issn": "2169-3536"},
    "SelfSupervisedRepresentation2020": {
        "authors": ["Jiao, Jianbo", "Droste, Richard", "Drukker, Lior",
                    "Papageorghiou, Aris T.", "Noble, J. Alison"],
        "doi": "10.1109/ISBI45749.2020.9098666",
        "container_title": "2020 IEEE 17th International Symposium on Biomedical Imaging "
                           "(ISBI)",
        "pages": "1847-1850", "publisher": "IEEE", "month": 4},
    "ContIGSelfSupervised2022": {
        "authors": ["Taleb, Aiham", "Kirchler, Matthias", "Monti, Remo", "Lippert, Christoph"],
        "doi": "10.1109/CVPR52688.2022.02024",
        "container_title": "2022 IEEE/CVF Conference on Computer Vision and Pattern "
                           "Recognition (CVPR)",
        "pages": "20908-20921", "publisher": "IEEE", "month": 6},
    "PCRLv2UnifiedVisual2023": {
        "authors": ["Zhou, Hong-Yu", "Lu, Chixiang", "Chen, Chaoqi", "Yang, Sibei",
                    "Yu, Yizhou"],
        "doi": "10.5555/tpami.pcrlv2",
        "container_title": "IEEE Transactions on Pattern Analysis and Machine Intelligence",
        "volume": "45", "issue": "7", "pages": "8020-8035", "publisher": IEEE_LONG,
        "issn": "0162-8828", "month": 7},
}
ORCIDS = {"ModelsGenesisGeneric2019": {"Zhou, Zongwei": "0000-0002-1825-0097"},
          "TransferableVisualWords2021": {"Haghighi, Fatemeh": "0000-0002-1825-0097"}}
AMBIGUOUS = {"SelfSupervisedLearning2020": "10.5555/decoy.near-identical",
             "SelfSupervisedLearning2022": "10.5555/decoy.same-title-2019"}


def _value(entry: Entry, name: str) -> Any:
    value = getattr(entry, name)
    if name == "authors":
        return [p.display() for p in value]
    return value


def _by_key(path: Path) -> dict[str, Entry]:
    return {e.key: e for e in load(path).catalog.entries}


@dataclass
class FullRun:
    """One enrich run over the whole bundled catalog (a copy), shared by the
    tests that only read its outcome: each run costs ~80 requests."""

    server: CrossrefServer
    catalog: Path
    cache: Path
    before: dict[str, Entry]
    result: Result


@pytest.fixture(scope="module")
def full_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FullRun]:
    folder = tmp_path_factory.mktemp("full-run")
    catalog = folder / "entries.toml"
    shutil.copyfile(SEED, catalog)
    with CrossrefServer(corpus()) as server:
        before = _by_key(catalog)
        result = invoke_enrich(server.url, catalog, folder / "cache")
        yield FullRun(server, catalog, folder / "cache", before, result)


def test_every_paper_with_a_record_gets_exactly_the_right_fields(full_run: FullRun) -> None:
    result, catalog, before = full_run.result, full_run.catalog, full_run.before
    assert result.exit_code == 0, result.output
    after = _by_key(catalog)
    assert list(after) == list(before)
    today = f"crossref {dt.datetime.now(dt.UTC).date().isoformat()}"
    for key, entry in after.items():
        old = before[key]
        expected = EXPECTED.get(key, {})
        for name in ENRICH_FIELDS:
            want = expected.get(name, _value(old, name))
            assert _value(entry, name) == want, (key, name)
        # Nothing else changed: title, year, venue, links, code stay curated.
        for name in ("title", "year", "venue", "url", "code", "categories", "entry_type"):
            assert getattr(entry, name) == getattr(old, name), (key, name)
        filled = {n for n in expected if _value(old, n) in (None, "", [])}
        assert {n for n, src in entry.provenance.items() if src == today} == filled, key
    for key, orcids in ORCIDS.items():
        got = {p.display(): p.orcid for p in after[key].authors if p.orcid}
        assert got == orcids
    text = catalog.read_text(encoding="utf-8")
    for doi in DECOY_DOIS:
        if doi != "10.1007/s11548-018-1772-0":      # the catalog's own (curated) DOI
            assert doi not in text
    # The empty-title record's facts were not taken.
    assert after["ExploitingPotentialUnlabeled2018"] == before["ExploitingPotentialUnlabeled2018"]
    assert "925-933" not in text
    # The file is still a valid catalog.
    assert messages(catalog, "error") == []
    assert "18 entries enriched" in result.stderr


def _blocks(out: str) -> dict[str, str]:
    """The report per entry: its first line and the indented lines under it."""
    blocks: dict[str, str] = {}
    key = ""
    for line in out.splitlines():
        if line and not line.startswith(" "):
            key = line.split(":", 1)[0]
        blocks[key] = blocks.get(key, "") + line + "\n"
    return blocks


def test_ambiguous_and_disagreements_are_reported(full_run: FullRun) -> None:
    result = full_run.result
    blocks = _blocks(result.stdout)
    near_tie = blocks["SelfSupervisedLearning2020"]
    assert near_tie.startswith("SelfSupervisedLearning2020: ambiguous: near-tie")
    assert "candidate: [1.00] 10.1109/ACCESS.2020.3021469" in near_tie
    assert "candidate: [0.99] 10.5555/decoy.near-identical" in near_tie
    other_year = blocks["SelfSupervisedLearning2022"]
    assert other_year.startswith("SelfSupervisedLearning2022: ambiguous: no candidate passes")
    assert "10.5555/decoy.same-title-2019" in other_year
    assert "year 2019 is not within 1 of 2022" in other_year
    assert "2 ambiguous" in result.stderr
    assert ("DOI 10.3390/diagnostics12081805 belongs to a different title: 'COVID-19 "
            "Infection") in blocks["SelfPreTraining2023"]
    assert ("year: catalog (README section) has 2022, Crossref's issued year is 2021"
            in blocks["ContrastiveLearningContinuous2022"])
    assert "has no title" in blocks["ExploitingPotentialUnlabeled2018"]
    assert "published version found" in blocks["SelfPreTraining2023"]
    assert "published version found" in blocks["BigSelfSupervised2021"]
    assert "2 published versions not applied" in result.stderr


def test_rerun_makes_zero_requests_and_changes_nothing(full_run: FullRun) -> None:
    first = full_run.catalog.read_bytes()
    assert len(full_run.server.log) > 0
    full_run.server.reset_log()
    second = invoke_enrich(full_run.server.url, full_run.catalog, full_run.cache)
    assert second.exit_code == 0, second.output
    assert full_run.server.log == []
    assert full_run.catalog.read_bytes() == first
    # Every question of the first run is answered from the cache, and nothing
    # else counts as an answer from it.
    asked, hits = map(int, re.findall(r"\((\d+) requests, (\d+) answered from the cache\)",
                                      full_run.result.stderr)[0])
    assert f"(0 requests, {asked + hits} answered from the cache)" in second.stderr


def test_refresh_bypasses_the_cache(run_enrich: RunEnrich, server: CrossrefServer) -> None:
    run_enrich("ModelsGenesisGeneric2019")
    server.reset_log()
    again = run_enrich("ModelsGenesisGeneric2019", "--refresh")
    assert [e.path for e in server.log] == ["/works/10.1007/978-3-030-32251-9_42"]
    assert "(1 requests, 0 answered from the cache)" in again.stderr


def test_dry_run_prints_the_diff_and_writes_nothing(
        run_enrich: RunEnrich, catalog: Path) -> None:
    before = catalog.read_bytes()
    result = run_enrich("--dry-run", "ModelsGenesisGeneric2019")
    assert result.exit_code == 0, result.output
    assert catalog.read_bytes() == before
    assert '+pages = "384-393"' in result.stdout
    assert '+series = "Lecture Notes in Computer Science"' in result.stdout
    assert "--- a/entries.toml" in result.stdout
    assert "dry run, nothing written" in result.stderr


def test_fields_option_limits_what_is_filled(run_enrich: RunEnrich, catalog: Path) -> None:
    result = run_enrich("--fields", "pages,doi", "ModelsGenesisGeneric2019", "SelfPathSelf2021")
    assert result.exit_code == 0, result.output
    after = _by_key(catalog)
    assert after["ModelsGenesisGeneric2019"].pages == "384-393"
    assert after["ModelsGenesisGeneric2019"].authors == []
    assert after["SelfPathSelf2021"].doi == "10.1109/TMI.2021.3056023"
    assert after["SelfPathSelf2021"].volume is None


def test_unknown_field_or_key_is_a_usage_error(run_enrich: RunEnrich) -> None:
    bad_field = run_enrich("--fields", "pages,colour")
    assert bad_field.exit_code == 2
    assert "colour" in bad_field.stderr and "Traceback" not in bad_field.output
    bad_key = run_enrich("NoSuchKey2020")
    assert bad_key.exit_code == 2
    assert "NoSuchKey2020" in bad_key.stderr


def test_upgrade_preprints_applies_the_published_version(
        run_enrich: RunEnrich, catalog: Path) -> None:
    result = run_enrich("--upgrade-preprints", "BigSelfSupervised2021", "SelfPreTraining2023")
    assert result.exit_code == 0, result.output
    after = _by_key(catalog)
    big = after["BigSelfSupervised2021"]
    assert big.doi == "10.5555/iccv2021.big-self-supervised"
    assert big.container_title == "2021 IEEE/CVF International Conference on Computer Vision " \
                                  "(ICCV)"
    assert big.entry_type == "inproceedings"
    assert big.arxiv == "2101.05224"                   # the preprint link stays
    # The seed's wrong DOI is curated: reported, never replaced.
    pre = after["SelfPreTraining2023"]
    assert pre.doi == "10.3390/diagnostics12081805"
    assert pre.authors[0].display() == "Zhou, Lei"
    assert "doi: catalog has '10.3390/diagnostics12081805'" in result.stdout
    assert "10.5555/decoy.posted-content" not in catalog.read_text(encoding="utf-8")


def test_preprints_are_not_upgraded_without_the_flag(
        run_enrich: RunEnrich, catalog: Path) -> None:
    before = catalog.read_bytes()
    result = run_enrich("BigSelfSupervised2021")
    assert result.exit_code == 0
    assert catalog.read_bytes() == before
    assert "apply it with --upgrade-preprints" in result.stdout


def test_mailto_comes_from_the_settings_when_not_given(
        run_enrich: RunEnrich, catalog: Path, server: CrossrefServer) -> None:
    text = catalog.read_text(encoding="utf-8")
    text = text.replace("[settings]\n", '[settings]\ncrossref_mailto = "curator@example.org"\n', 1)
    catalog.write_text(text, encoding="utf-8")
    run_enrich("ModelsGenesisGeneric2019", env={"CROSSREF_MAILTO": ""})
    assert "mailto:curator@example.org" in server.log[0].user_agent
    server.reset_log()
    run_enrich("SelfPathSelf2021", "--mailto", "me@example.org")
    assert "mailto:me@example.org" in server.log[0].user_agent


PREPRINT_CATALOG = """\
schema = 1
categories = []

[venues.ArXiv]
name = "arXiv"
kind = "preprint"

[[entries]]
key = "OwnRecord2021"
title = "A Preprint With Its Own Crossref Record"
year = 2021
venue = "ArXiv"
doi = "10.1101/2021.01.01.000001"
"""


def test_a_preprints_own_record_fills_it_without_upgrade(tmp_path: Path) -> None:
    from tests.crossref.crossref_corpus import work

    record = work("10.1101/2021.01.01.000001", "posted-content",
                  "A preprint with its own Crossref record", (2021, 1),
                  [("Okafor", "Chidi")], [], "Cold Spring Harbor Laboratory")
    catalog = tmp_path / "entries.toml"
    catalog.write_text(PREPRINT_CATALOG, encoding="utf-8")
    with CrossrefServer([record]) as server:
        result = invoke_enrich(server.url, catalog, tmp_path / "cache")
    assert result.exit_code == 0, result.output
    entry = load(catalog).catalog.entries[0]
    assert [p.display() for p in entry.authors] == ["Okafor, Chidi"]
    assert entry.publisher == "Cold Spring Harbor Laboratory"
    assert entry.entry_type is None


def test_a_doi_record_by_other_authors_is_not_used(run_enrich: RunEnrich,
                                                   catalog: Path) -> None:
    text = catalog.read_text(encoding="utf-8")
    marker = 'key = "TransferableVisualWords2021"\n'
    text = text.replace(marker, marker + 'authors = ["Ramirez, Elena"]\n', 1)
    catalog.write_text(text, encoding="utf-8")
    result = run_enrich("TransferableVisualWords2021")
    entry = load(catalog).catalog.find("TransferableVisualWords2021")
    assert entry is not None and entry.pages is None
    assert ("the Crossref record of DOI 10.1109/TMI.2021.3060634: no author family name in "
            "common; not used") in result.stdout


def test_concurrency_comes_from_the_settings(run_enrich: RunEnrich, catalog: Path) -> None:
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(text.replace("[settings]\n", "[settings]\ncrossref_concurrency = 3\n", 1),
                       encoding="utf-8")
    assert load(catalog).catalog.settings.crossref_concurrency == 3
    with CrossrefServer(corpus(), latency=0.05, gather=3) as slow:
        keys = sorted(EXPECTED)
        result = run_enrich(*keys, env={"SSL_BIB_CROSSREF_URL": slow.url})
        assert result.exit_code == 0, result.output
        assert slow.max_in_flight == 3
    # The setting survives the write.
    assert load(catalog).catalog.settings.crossref_concurrency == 3
    # ... and an edit of the file's head (here: a venue) keeps it too.
    loaded = load(catalog)
    loaded.catalog.venues["MedIA"].url = "https://example.org/media"
    save(loaded)
    assert load(catalog).catalog.settings.crossref_concurrency == 3
    bad = catalog.read_text(encoding="utf-8").replace("crossref_concurrency = 3",
                                                     "crossref_concurrency = 99")
    catalog.write_text(bad, encoding="utf-8")
    problems = [p.message for p in load(catalog).problems]
    assert any("crossref_concurrency" in m for m in problems)


def test_progress_shows_on_a_terminal_and_is_silent_when_piped(
        server: CrossrefServer, catalog: Path, cache_dir: Path) -> None:
    import os
    import subprocess
    import sys

    from tests.terminal import run_on_terminal

    keys = ["ModelsGenesisGeneric2019", "SelfPathSelf2021"]
    env = {**os.environ, "SSL_BIB_CROSSREF_URL": server.url, "SSL_BIB_CACHE_DIR": str(cache_dir),
           "CROSSREF_MAILTO": "lab@example.org"}
    command = [sys.executable, "-m", "ssl_bib", "--catalog", str(catalog), "enrich", "--dry-run",
               *keys]
    code, shown = run_on_terminal(command, env, timeout=60)
    assert code == 0
    assert b"enrich [" in shown and b"2/2" in shown
    piped = subprocess.run(command, capture_output=True, env=env, timeout=60, check=False)
    assert piped.returncode == 0
    assert piped.stderr.decode().startswith("enrich: 2 entries enriched")
    assert "\r" not in piped.stderr.decode() and "enrich [" not in piped.stderr.decode()
