"""Synthetic catalogs of N entries with a realistic field mix, for benchmarks.

Deterministic for a given N and seed: titles from a medical-imaging vocabulary,
Unicode author names with particles, DOIs, arXiv ids, code links, provenance.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from ssl_bib.keys import KeyPool  # noqa: E402
from ssl_bib.model import Catalog, CodeLink, Entry, Person, Venue  # noqa: E402
from ssl_bib.toml_render import render_catalog  # noqa: E402

WORDS = ("self-supervised contrastive masked autoencoder segmentation classification MRI CT "
         "X-ray histopathology retinal fundus ultrasound 3D volumetric pretraining transformer "
         "representation learning multimodal few-shot COVID-19 anatomy lesion detection dental "
         "cardiac brain tumor pathology reconstruction denoising registration domain adaptation "
         "federated graph attention prototype momentum distillation").split()
FAMILIES = ("Zhou Müller García Nguyen Østergaard Łukasiewicz Çelik Dvořák Kowalski Tanaka "
            "Papadopoulos Silva Novák Haghighi Taleb Chen Wang Li Zhang Smith").split()
GIVEN = "Zongwei Jürgen María Thị Søren Józef Ayşe Antonín Anna Hiro Eleni João Li Fatemeh".split()
PARTICLES = ("", "", "", "", "van der ", "de la ", "von ", "di ")
VENUES = {
    "MICCAI": ("International Conference on Medical Image Computing and Computer Assisted "
               "Intervention", "conference"),
    "MedIA": ("Medical Image Analysis", "journal"),
    "IEEE-TMI": ("IEEE Transactions on Medical Imaging", "journal"),
    "ISBI": ("IEEE International Symposium on Biomedical Imaging", "conference"),
    "ArXiv": ("arXiv", "preprint"),
}
CATEGORIES = ["Contrastive", "Generative", "Predictive", "MAE", "Multiple-tasks/Multi-tasking"]


def synth_catalog(n: int, seed: int = 7) -> Catalog:
    rng = random.Random(seed)
    catalog = Catalog(categories=list(CATEGORIES),
                      venues={k: Venue(key=k, name=v[0], kind=v[1])  # type: ignore[arg-type]
                              for k, v in VENUES.items()})
    pool = KeyPool()
    for i in range(n):
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14))).capitalize()
        title = f"{title} {i}"
        authors = [Person(family=rng.choice(PARTICLES) + rng.choice(FAMILIES),
                          given=rng.choice(GIVEN)) for _ in range(rng.randint(1, 8))]
        venue = rng.choice(list(VENUES))
        entry = Entry(key="", title=title, year=rng.randint(2015, 2025), venue=venue,
                      categories=rng.sample(CATEGORIES, rng.randint(1, 2)), authors=authors)
        if venue == "ArXiv":
            entry.arxiv = f"{rng.randint(15, 25)}{rng.randint(1, 12):02d}.{i % 100000:05d}"
            entry.url = f"https://arxiv.org/abs/{entry.arxiv}"
        else:
            entry.doi = f"10.{rng.randint(1000, 9999)}/synth.{i}"
            entry.url = f"https://doi.org/{entry.doi}"
            entry.pages = f"{rng.randint(1, 500)}--{rng.randint(501, 900)}"
            entry.volume = str(rng.randint(1, 80))
            entry.provenance = {"pages": "crossref 2026-11-26", "authors": "crossref 2026-11-26"}
        if rng.random() < 0.4:
            entry.code = [CodeLink("pytorch", f"https://github.com/lab{i}/repo{i}")]
        entry.key = pool.assign(entry)
        catalog.entries.append(entry)
    return catalog


def write_synth(path: Path, n: int) -> Path:
    path.write_text(render_catalog(synth_catalog(n)), encoding="utf-8")
    return path


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(f"synth-{count}.toml")
    write_synth(out, count)
    print(f"wrote {out} ({count} entries, {out.stat().st_size / 1e6:.1f} MB)")
