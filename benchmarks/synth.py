"""Catalogs of N entries for benchmarks, shaped like the real one.

Two modes, both deterministic for a given N and seed:

- `synth_catalog(n)`: made-up entries with the bundled catalog's field mix:
  3-15 authors with Unicode names and particles, DOIs or arXiv ids, code
  links, corrections, doubts, provenance, alt_titles, container titles.
- `grow_catalog(n)`: the bundled entries.toml grown to N entries by copying
  its real entries, authors, corrections, doubts and provenance included.
  Each copy gets its own key, a title with about half its words swapped (so
  no two entries look like the same paper to `check` or `import`), and its
  own DOI, arXiv id, PII, IEEE number, PMLR id, OpenReview id and link, so
  the grown file is still a valid catalog. The head (settings, venues,
  comments) is the bundled file's, byte for byte.

Command line: `python benchmarks/synth.py [--grow] N [OUT]`.
"""

from __future__ import annotations

import argparse
import copy
import random
import re
import sys
from pathlib import Path

if __package__ in (None, ""):  # run, or imported by a benchmark run, as a script
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from ssl_bib.keys import KeyPool  # noqa: E402
from ssl_bib.model import Catalog, CodeLink, Correction, Entry, Person, Venue  # noqa: E402
from ssl_bib.toml_render import render_catalog, render_entry  # noqa: E402

BUNDLED = Path(__file__).resolve().parents[1] / "entries.toml"

WORDS = ("self-supervised contrastive masked autoencoder segmentation classification MRI CT "
         "X-ray histopathology retinal fundus ultrasound 3D volumetric pretraining transformer "
         "representation learning multimodal few-shot COVID-19 anatomy lesion detection dental "
         "cardiac brain tumor pathology reconstruction denoising registration domain adaptation "
         "federated graph attention prototype momentum distillation").split()
FAMILIES = ("Zhou Müller García Nguyen Østergaard Łukasiewicz Çelik Dvořák Kowalski Tanaka "
            "Papadopoulos Silva Novák Haghighi Taleb Chen Wang Li Zhang Smith Ødegård Ferré "
            "Gonçalves Söderström Kovačević Ibáñez Šimůnek Yılmaz Þórsson Ó'Brien").split()
GIVEN = ("Zongwei Jürgen María Thị Søren Józef Ayşe Antonín Anna Hiro Eleni João Li Fatemeh "
         "Zoë Björn Chloé Ľubomír Hong Yu").split()
PARTICLES = ("", "", "", "", "", "van der ", "de la ", "von ", "di ")
VENUES = {
    "MICCAI": ("International Conference on Medical Image Computing and Computer Assisted "
               "Intervention", "conference"),
    "MedIA": ("Medical Image Analysis", "journal"),
    "IEEE-TMI": ("IEEE Transactions on Medical Imaging", "journal"),
    "ISBI": ("IEEE International Symposium on Biomedical Imaging", "conference"),
    "ArXiv": ("arXiv", "preprint"),
}
CATEGORIES = ["Contrastive", "Generative", "Predictive", "MAE", "Multiple-tasks/Multi-tasking"]
SOURCES = ("seed-facts.csl.json:{n} (seed-row-{r})", "crossref 2026-11-26",
           "seed README row {r}", "seed-facts-evidence.json row {r}")
DOUBTS = (
    "left out as doubtful: year {y} (the authors' page gives it for the preprint; "
    "no issued date seen) (seed-facts row {r})",
    "venue: '{v}' not corroborated; the authors' own list files it as a preprint "
    "(seed-facts row {r})",
    "no verified record: five look-ups found no record other than the awesome list itself "
    "(seed-facts-evidence.json row {r})",
)


def _vocabulary(rng: random.Random, size: int = 6_000) -> list[str]:
    """Real title words plus made-up ones, so titles drawn from it rarely collide."""
    made = {"".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiouy")
                    for _ in range(rng.randint(2, 4))) for _ in range(size)}
    return [w for w in WORDS if "-" not in w] + sorted(made)


def _person(rng: random.Random) -> Person:
    return Person(family=rng.choice(PARTICLES) + rng.choice(FAMILIES), given=rng.choice(GIVEN))


def synth_catalog(n: int, seed: int = 7) -> Catalog:
    rng = random.Random(seed)
    vocabulary = _vocabulary(rng)
    catalog = Catalog(categories=list(CATEGORIES),
                      venues={k: Venue(key=k, name=v[0], kind=v[1])  # type: ignore[arg-type]
                              for k, v in VENUES.items()})
    pool = KeyPool()
    for i in range(n):
        words = [rng.choice(WORDS if rng.random() < 0.5 else vocabulary)
                 for _ in range(rng.randint(6, 14))]
        title = " ".join(w.capitalize() if w.islower() else w for w in words)
        if rng.random() < 0.3:
            title = f"{vocabulary[rng.randrange(len(vocabulary))].capitalize()}: {title}"
        title = f"{title} {i}"
        venue = rng.choice(list(VENUES))
        year = rng.randint(2015, 2025)
        entry = Entry(key="", title=title, year=year, venue=venue,
                      categories=rng.sample(CATEGORIES, rng.randint(1, 2)),
                      authors=[_person(rng) for _ in range(rng.randint(3, 15))])
        row = i + 1
        if venue == "ArXiv":
            entry.arxiv = f"{rng.randint(15, 25)}{rng.randint(1, 12):02d}.{i % 100000:05d}"
            entry.url = f"https://arxiv.org/abs/{entry.arxiv}"
        else:
            entry.doi = f"10.{rng.randint(1000, 9999)}/synth.{i}"
            entry.url = f"https://doi.org/{entry.doi}"
            entry.pages = f"{rng.randint(1, 500)}--{rng.randint(501, 900)}"
            entry.volume = str(rng.randint(1, 80))
            entry.publisher = rng.choice(["Springer Nature Switzerland", "Elsevier BV",
                                          "Institute of Electrical and Electronics Engineers"])
            if rng.random() < 0.4:
                entry.container_title = f"{VENUES[venue][0]} {year}"
        entry.provenance = {name: rng.choice(SOURCES).format(n=row * 27, r=row)
                            for name in rng.sample(["authors", "title", "pages", "year",
                                                    "venue", "doi"], rng.randint(1, 5))}
        if rng.random() < 0.4:
            entry.code = [CodeLink(rng.choice(["pytorch", "tensorflow", "jax"]),
                                   f"https://github.com/lab{i}/repo{i}-{k}")
                          for k in range(rng.choice([1, 1, 1, 2]))]
        if rng.random() < 0.5:
            entry.doubts = [rng.choice(DOUBTS).format(y=year, v=venue, r=row)]
        if rng.random() < 0.2:
            old = title.lower().capitalize()
            entry.corrections = [Correction(
                field="title", was=old, now=title,
                why=f"published title (the list had the preprint's capitalisation) "
                    f"(https://example.org/records/{i})")]
        if rng.random() < 0.08:
            entry.alt_titles = [f"{title.split(':')[-1].strip()} (extended version)"]
        entry.key = pool.assign(entry)
        catalog.entries.append(entry)
    return catalog


def write_synth(path: Path, n: int) -> Path:
    path.write_text(render_catalog(synth_catalog(n)), encoding="utf-8")
    return path


# -- growing the bundled catalog -------------------------------------------

_SWAPPABLE_RE = re.compile(r"\b[A-Za-z][a-z]{3,}\b")
_ZOTERO_ALPHABET = "23456789ABCDEFGHIJKLMNPQRSTUVWXYZ"


class _Renamer:
    """Gives copy number `n` of a real entry identifiers no other entry has."""

    def __init__(self) -> None:
        self.counter = 0

    def next(self) -> int:
        self.counter += 1
        return self.counter

    def arxiv(self) -> str:
        c = self.next()
        # Numbers from 50000 up: above any real id of the bundled catalog.
        return f"{15 + (c // 12) % 10}{1 + c % 12:02d}.{50000 + c // 120:05d}"

    def zotero_key(self) -> str:
        c, out = self.next(), ""
        for _ in range(8):
            c, r = divmod(c, len(_ZOTERO_ALPHABET))
            out = _ZOTERO_ALPHABET[r] + out
        return out


def _swap_words(text: str, rng: random.Random, vocabulary: list[str], seen: set[str]) -> str:
    """`text` with more than half its words (at least three) swapped for
    others, and never a text already given out: `import` must not take two
    copies for one paper listed twice."""
    words = _SWAPPABLE_RE.findall(text)
    while True:
        count = min(len(words), max(3, (len(words) * 3 + 4) // 5))
        chosen = set(rng.sample(range(len(words)), count))
        replacements = iter([_swapped(word, rng, vocabulary) if i in chosen else word
                             for i, word in enumerate(words)])
        out = _SWAPPABLE_RE.sub(lambda _m, r=replacements: next(r), text)
        if out.casefold() not in seen:
            seen.add(out.casefold())
            return out


def _swapped(word: str, rng: random.Random, vocabulary: list[str]) -> str:
    other = rng.choice(vocabulary)
    return other.capitalize() if word[0].isupper() else other


def _copy_entry(entry: Entry, n: int, rng: random.Random, vocabulary: list[str],
                renamer: _Renamer, seen: set[str]) -> Entry:
    twin = copy.deepcopy(entry)
    twin.key_aliases = []  # old keys name the original, never a copy
    twin.title = _swap_words(entry.title, rng, vocabulary, seen)
    twin.alt_titles = [_swap_words(t, rng, vocabulary, seen) for t in entry.alt_titles]
    replaced: list[tuple[str, str]] = []
    if entry.doi:
        twin.doi = f"{entry.doi}.c{n}"
        replaced.append((entry.doi, twin.doi))
    if entry.arxiv:
        twin.arxiv = renamer.arxiv()
        replaced.append((entry.arxiv, twin.arxiv))
    if entry.pii:
        twin.pii = f"{entry.pii[:-6]}{renamer.next() % 1_000_000:06d}"
        replaced.append((entry.pii, twin.pii))
    if entry.ieee:
        twin.ieee = str(20_000_000 + renamer.next())
        replaced.append((entry.ieee, twin.ieee))
    if entry.pmlr:
        twin.pmlr = f"{entry.pmlr}{n}"
        replaced.append((entry.pmlr, twin.pmlr))
    if entry.openreview:
        twin.openreview = f"{entry.openreview}{n}"
        replaced.append((entry.openreview, twin.openreview))
    if entry.zotero_key:
        twin.zotero_key = renamer.zotero_key()
    if twin.url:
        url = twin.url
        for old, new in replaced:
            url = url.replace(old, new)
        if url == twin.url:  # a link that holds no identifier: make it the copy's own
            url += f"{'&' if '?' in url else '?'}copy={n}"
        twin.url = url
    return twin


def grow_catalog(n: int, seed: int = 7, source: Path = BUNDLED) -> str:
    """The text of a catalog of `n` entries: the bundled file's head, its real
    entries, then copies of them (see the module docstring)."""
    from ssl_bib.store import load

    loaded = load(source)
    real = loaded.catalog.entries
    head = loaded.text[:loaded.spans[0].lead_at] if loaded.spans else loaded.text
    rng = random.Random(seed)
    vocabulary = _vocabulary(rng)
    renamer = _Renamer()
    pool = KeyPool((e.key for e in real), loaded.catalog.settings.key_format)
    seen = {t.casefold() for e in real for t in [e.title, *e.alt_titles]}
    parts = [head]
    for i in range(n):
        original = real[i % len(real)]
        if i < len(real):
            entry = original
        else:
            entry = _copy_entry(original, i // len(real), rng, vocabulary, renamer, seen)
            entry.key = pool.assign(entry)
        parts.append(render_entry(entry) + "\n")
    return "".join(parts).rstrip("\n") + "\n"


def write_grown(path: Path, n: int, seed: int = 7) -> Path:
    path.write_text(grow_catalog(n, seed), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grow", action="store_true",
                        help="grow the bundled entries.toml by copying its real entries")
    parser.add_argument("count", type=int, nargs="?", default=10_000)
    parser.add_argument("out", type=Path, nargs="?")
    args = parser.parse_args()
    out = args.out or Path(f"{'grown' if args.grow else 'synth'}-{args.count}.toml")
    (write_grown if args.grow else write_synth)(out, args.count)
    print(f"wrote {out} ({args.count} entries, {out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
