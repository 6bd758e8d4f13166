"""The entry filters (ssl_bib.select): directly, then through `list`, `export`
and `enrich` on the command line, which must all select the same entries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from ssl_bib.cli import cli
from ssl_bib.model import Catalog, CodeLink, Entry, Person, Venue
from ssl_bib.problems import InputError
from ssl_bib.select import Filters, UnknownFilterValue, YearRange, search_text, select
from ssl_bib.textnorm import search_fold, search_terms
from tests.cli_helpers import invoke as invoke_cli

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "entries.toml"


def catalog() -> Catalog:
    venues = {
        "MedIA": Venue("MedIA", "Medical Image Analysis", "journal", aliases=["MIA"]),
        "IEEE-TMI": Venue("IEEE-TMI", "IEEE Transactions on Medical Imaging", "journal",
                          aliases=["TMI"]),
        "MICCAI": Venue("MICCAI", "Medical Image Computing and Computer Assisted Intervention",
                        "conference"),
    }
    return Catalog(venues=venues, categories=["Contrastive", "MAE", "Multiple-tasks"], entries=[
        Entry(key="a2020", title="Alpha contrastive", year=2020, venue="MedIA",
              categories=["Contrastive"], authors=[Person("Müller", "Jürgen")]),
        Entry(key="b2021", title="Beta", year=2021, sections=[2021, 2020], categories=["MAE"],
              code=[CodeLink("pytorch", "https://github.com/x/y")], doi="10.1/b"),
        Entry(key="zhou2019", title="Revisiting Rubik’s Cube+: “Self-supervised” learning",
              alt_titles=["Rubiks cube revisited"], year=2019, venue="MICCAI",
              categories=["Contrastive", "Multiple-tasks"],
              authors=[Person("Zhou", "Zongwei"), Person("Rahman Siddiquee", "Md Mahfuzur")],
              arxiv="1908.00001", code=[CodeLink("tf", "https://github.com/z/mg")]),
        Entry(key="tmi2017", title="Ðeep Ångström Łukasiewicz ΣΟΦΙΑ", year=2017,
              venue="IEEE-TMI", categories=["MAE"], pii="S1361841520301237",
              authors=[Person("World Health Organization")]),
    ])


def keys(cat: Catalog | None = None, **kw: object) -> list[str]:
    return [e.key for e in select(cat or catalog(), Filters(**kw))]  # type: ignore[arg-type]


# -- year ranges ------------------------------------------------------------

@pytest.mark.parametrize(("text", "first", "last"), [
    ("2019", 2019, 2019), ("2019..2021", 2019, 2021), (" 2019 .. 2021 ", 2019, 2021),
    ("2019..", 2019, None), ("..2021", None, 2021), ("2019-2021", 2019, 2021),
    ("2019–2021", 2019, 2021), ("2019-", 2019, None),
])
def test_year_range_syntax(text: str, first: int | None, last: int | None) -> None:
    assert YearRange.parse(text) == YearRange(first, last)


@pytest.mark.parametrize("text", ["", "..", "abc", "2021..2019", "20192021", "2019...2020",
                                  "2019,2020", "12345"])
def test_year_range_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        YearRange.parse(text)


def test_year_range_membership_and_text() -> None:
    assert 2020 in YearRange(2019, 2021) and 2022 not in YearRange(2019, 2021)
    assert 1900 in YearRange(None, 2021) and 3000 in YearRange(2019, None)
    assert [str(YearRange.parse(t)) for t in ("2019", "2019..2021", "2019..", "..2021")] == \
        ["2019", "2019..2021", "2019..", "..2021"]


# -- one filter at a time ---------------------------------------------------

def test_years_match_publication_year_and_listed_sections() -> None:
    assert keys(years=[YearRange(2020, 2020)]) == ["a2020", "b2021"]  # b2021 listed under 2020
    assert keys(years=[YearRange(None, 2019)]) == ["zhou2019", "tmi2017"]
    assert keys(years=[YearRange(2017, 2017), YearRange(2021, None)]) == ["b2021", "tmi2017"]


def test_venue_by_abbreviation_name_or_alias_folded() -> None:
    for name in ("MedIA", "media", "Medical Image Analysis", "MEDICAL image-analysis", "mia"):
        assert keys(venues=[name]) == ["a2020"], name
    assert keys(venues=["IEEE TMI"]) == keys(venues=["tmi"]) == ["tmi2017"]
    assert keys(venues=["MedIA", "MICCAI"]) == ["a2020", "zhou2019"]  # ORed


def test_unknown_venue_or_category_suggests() -> None:
    with pytest.raises(UnknownFilterValue, match=r"no venue 'MICAI'; did you mean 'MICCAI'\?"):
        keys(venues=["MICAI"])
    with pytest.raises(UnknownFilterValue, match=r"no venue 'Medical Image Analysys'; did you "
                                                 r"mean 'MedIA'\?"):
        keys(venues=["Medical Image Analysys"])
    with pytest.raises(UnknownFilterValue, match=r"did you mean 'Contrastive'\?"):
        keys(categories=["contrastiv"])
    with pytest.raises(UnknownFilterValue, match="the catalog has IEEE-TMI, MedIA, MICCAI$"):
        keys(venues=["zzzz"])
    with pytest.raises(UnknownFilterValue, match="no category '!!'"):
        keys(categories=["!!"])  # folds to nothing: never "every category"
    # A usage error is an InputError, so every command reports it as one line, exit 2.
    assert issubclass(UnknownFilterValue, InputError)


def test_category_folded_and_ored() -> None:
    assert keys(categories=["mae"]) == ["b2021", "tmi2017"]
    assert keys(categories=["multiple tasks"]) == ["zhou2019"]
    assert keys(categories=["MAE", "contrastive"]) == ["a2020", "b2021", "zhou2019", "tmi2017"]


def test_has_code() -> None:
    assert keys(has_code=True) == ["b2021", "zhou2019"]


def test_keys_name_entries_and_must_exist() -> None:
    assert keys(keys=["ZHOU2019", "a2020"]) == ["a2020", "zhou2019"]  # catalog order
    with pytest.raises(InputError, match="no entry with key 'zzz'"):
        keys(keys=["zzz"])


# -- search -----------------------------------------------------------------

@pytest.mark.parametrize(("query", "expected"), [
    ("rubiks cube", ["zhou2019"]),                 # curly apostrophe in the title
    ("Rubik's Cube+", ["zhou2019"]),
    ("RUBIK’S-CUBE", ["zhou2019"]),
    ("self supervised", ["zhou2019"]),              # “quoted” and hyphenated
    ("selfsupervised", ["zhou2019"]),
    ("cube revisited", ["zhou2019"]),               # alt_titles
    ("Zongwei Zhou", ["zhou2019"]),                 # either name order
    ("Zhou, Zongwei", ["zhou2019"]),
    ("zongweizhou", ["zhou2019"]),
    ("siddiquee md", ["zhou2019"]),
    ("muller jurgen", ["a2020"]),                   # accents folded
    ("MÜLLER", ["a2020"]),
    ("angstrom lukasiewicz deep", ["tmi2017"]),     # Å, Ł, Ð
    ("σοφια", ["tmi2017"]),                         # other scripts stay searchable
    ("world health", ["tmi2017"]),
    ("medical image analysis", ["a2020"]),          # venue full name
    ("ieee transactions", ["tmi2017"]),
    ("TMI", ["tmi2017"]),                           # venue key and alias
    ("mia alpha", ["a2020"]),
    ("10.1/B", ["b2021"]),                          # DOI, any case
    ("doi:10.1/b", ["b2021"]),
    ("1908.00001", ["zhou2019"]),                   # arXiv id, bare or prefixed
    ("arXiv:1908.00001", ["zhou2019"]),
    ("S1361841520301237", ["tmi2017"]),             # PII
    ("B2021", ["b2021"]),                           # the citation key
    ("alpha rubik", []),                            # every term must match
    ("   ", ["a2020", "b2021", "zhou2019", "tmi2017"]),  # no terms: everything
    ("...", ["a2020", "b2021", "zhou2019", "tmi2017"]),
])
def test_search(query: str, expected: list[str]) -> None:
    assert keys(search=query) == expected


def test_search_does_not_match_across_fields() -> None:
    # "Beta" (title) followed by "b2021" (key) must not make "betab2021" match.
    assert "beta" in search_text(catalog().entries[1], catalog())
    assert keys(search="betab2021") == [] and keys(search="beta b2021") == ["b2021"]


def test_search_fold_examples() -> None:
    assert search_fold("Rubik’s Cube+") == search_fold("rubiks cube") == "rubikscube"
    assert search_fold("Straße ÆON Øre œuvre ΟΔΟΣ") == "strasseaeonoreoeuvreοδοσ"
    assert search_fold("x² ﬁne") == "x2fine"           # compatibility forms
    assert search_fold("snake_case") == "snakecase"
    assert search_terms("a\u00a0b\u3000c\td") == ["a", "b", "c", "d"]


@given(st.text())
def test_search_fold_is_idempotent_and_keeps_only_letters_and_digits(text: str) -> None:
    folded = search_fold(text)
    assert search_fold(folded) == folded
    assert all(ch.isalnum() for ch in folded)
    assert " " not in folded


@given(st.text(alphabet=st.characters(codec="ascii")))
def test_search_fold_ignores_ascii_case_and_punctuation(text: str) -> None:
    assert search_fold(text.upper()) == search_fold(text.lower())
    assert search_fold(text) == "".join(ch for ch in text.lower() if ch.isalnum())


# -- filters together ---------------------------------------------------------

def test_different_filters_are_anded() -> None:
    assert keys(categories=["Contrastive"], years=[YearRange(2019, 2019)]) == ["zhou2019"]
    assert keys(categories=["MAE"], venues=["TMI"], search="deep") == ["tmi2017"]
    assert keys(categories=["MAE"], venues=["TMI"], search="beta") == []
    assert keys(keys=["a2020"], venues=["MICCAI"]) == []


def test_describe_and_active() -> None:
    assert not Filters().active() and not Filters(search="  ").active()
    filters = Filters(keys=["k"], years=[YearRange(2019, None)], venues=["Pattern Recognition"],
                      categories=["MAE"], search="it's", has_code=True)
    assert filters.active()
    assert filters.describe() == ("--key k --year 2019.. --venue 'Pattern Recognition' "
                                  "--category MAE --search 'it'\"'\"'s' --has-code")


def test_a_year_range_is_a_value_and_filters_hold_the_lists_given() -> None:
    years = YearRange(2019, 2021)
    assert years == YearRange.parse("2019..2021") and hash(years) == hash(YearRange(2019, 2021))
    with pytest.raises(AttributeError):
        years.first = 2000  # type: ignore[misc]
    keys: list[str] = []
    filters = Filters(keys=keys)
    keys.append("k")  # the list given, not a copy (enrich sets its keys)
    assert filters.keys == ["k"] and Filters().keys == [] and Filters().keys is not Filters().keys
    filters.keys = ["a", "b"]
    assert filters.keys == ["a", "b"]


# -- the command line ---------------------------------------------------------

def invoke(*args: str) -> tuple[int, str, str]:
    return invoke_cli(*args, catalog=BUNDLED)


def listed(*args: str) -> list[str]:
    code, out, err = invoke("list", "--json", *args)
    assert code == 0, err
    return [e["key"] for e in json.loads(out)]


def test_cli_filters_repeat_and_combine() -> None:
    mai = set(listed("--venue", "MICCAI"))
    media = set(listed("--venue", "medical image analysis"))
    both = listed("--venue", "MICCAI", "--venue", "medical image analysis")
    assert set(both) == mai | media and len(both) == len(mai) + len(media)
    years = listed("--year", "2019..2020")
    assert set(years) == set(listed("--year", "2019")) | set(listed("--year", "2020"))
    assert set(listed("--year", "2019..2020", "--venue", "MICCAI")) == set(years) & mai
    assert listed("--year", "2022..") == listed("--year", "2022", "--year", "2023")
    assert set(listed("--has-code")) < set(listed())


def test_cli_search_finds_authors_in_either_order() -> None:
    zhou = listed("--search", "Zongwei Zhou")
    assert "zhouModelsGenesisGeneric2019" in zhou
    assert listed("--search", "Zhou, Zongwei") == zhou
    assert listed("--search", "rubiks cube") == [
        "zhuRubiksCubeSelf2020", "taoRevisitingRubiksCube2020", "zhuangSelfSupervisedFeature2019"]


def test_cli_unknown_venue_or_category_is_a_usage_error() -> None:
    code, out, err = invoke("list", "--venue", "MICAI")
    assert code == 2 and out == ""
    assert err == "ssl-bib: entries.toml: no venue 'MICAI'; did you mean 'MICCAI'?\n"
    code, _, err = invoke("export", "-f", "bibtex", "--category", "Contrastiv")
    assert code == 2 and "did you mean 'Contrastive'?" in err
    code, _, err = invoke("list", "--year", "2021..2019")
    assert code == 2 and "the range ends before it starts" in err


def test_cli_no_match_is_a_notice(tmp_path: Path) -> None:
    code, out, err = invoke("list", "--search", "no such paper", "--year", "2019")
    assert code == 0 and out == ""
    assert err == "ssl-bib: no entries match --year 2019 --search 'no such paper'\n"
    code, out, err = invoke("list", "--json", "--search", "no such paper")
    assert code == 0 and json.loads(out) == [] and err.count("\n") == 1


def test_cli_export_of_nothing_writes_nothing_unless_allowed(tmp_path: Path) -> None:
    target = tmp_path / "refs.bib"
    code, out, err = invoke("export", "-f", "bibtex", "-o", str(target), "--search", "nothing")
    assert code == 1 and out == "" and not target.exists()
    assert err.splitlines() == [
        "ssl-bib: no entries match --search nothing",
        "ssl-bib: nothing exported, nothing written (--allow-empty writes an empty export)"]
    code, _, _ = invoke("export", "--all", str(tmp_path / "all"), "--search", "nothing")
    assert code == 1 and not (tmp_path / "all").exists()
    code, out, _ = invoke("export", "-f", "bibtex", "--search", "nothing")
    assert code == 1 and out == ""
    code, _, err = invoke("export", "-f", "bibtex", "-o", str(target), "--search", "nothing",
                          "--allow-empty")
    assert code == 0 and target.read_text() == "" and "wrote 0 entries" in err
    code, out, _ = invoke("export", "-f", "csljson", "--search", "nothing", "--allow-empty")
    assert code == 0 and json.loads(out) == []


def test_cli_export_of_an_empty_catalog(tmp_path: Path) -> None:
    empty = tmp_path / "entries.toml"
    empty.write_text("schema = 1\n")
    result = CliRunner().invoke(cli, ["--catalog", str(empty), "export", "-f", "ris"])
    assert result.exit_code == 1
    assert result.stderr.startswith("ssl-bib: entries.toml has no entries\n")


def test_cli_export_selects_what_list_selects() -> None:
    args = ("--year", "2020..2021", "--category", "Contrastive", "--search", "self")
    code, out, _ = invoke("export", "-f", "csljson", *args)
    assert code == 0
    assert [item["id"] for item in json.loads(out)] == listed(*args) != []


def test_search_fold_lowers_compatibility_letters() -> None:
    # Found by the property test above: U+1D468 has no lower case and folds to 'A'.
    assert search_fold("\U0001d468") == search_fold(search_fold("\U0001d468")) == "a"
