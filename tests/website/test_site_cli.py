"""`ssl-bib render site`: writing, --check (1 when different, 2 when the folder
is missing), deterministic output, stale files removed and foreign ones kept,
filters, options, and the repository's docs/site being current."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ssl_bib.cli import cli
from ssl_bib.model import Catalog, Entry
from tests.website.site_catalogs import BUNDLED, REPO, hostile_catalog, write_catalog


def render(catalog: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--catalog", str(catalog), "render", "site", *args])


def test_write_then_check(tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = render(BUNDLED, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(f"wrote {out}/index.html: 62 papers, 4 files, ")
    names = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert names[-1] == "index.html" and len(names) == 4
    check = render(BUNDLED, "--check", str(out))
    assert check.exit_code == 0 and check.stderr == f"{out}: up to date\n"
    # Unchanged: nothing is rewritten.
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    again = render(BUNDLED, "-o", str(out))
    assert again.exit_code == 0 and "(unchanged)" in again.stderr
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == stamps


def test_check_names_what_differs(tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert render(BUNDLED, "-o", str(out)).exit_code == 0
    (out / "index.html").write_text("edited")
    chunk = next((out / "cite").iterdir())
    chunk.unlink()
    (out / "cite" / "0123456789.js").write_text("stale")
    (out / "CNAME").write_text("example.org")  # not the site's: never reported or removed
    result = render(BUNDLED, "--check", str(out))
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == (
        f"{out}: not what the catalog renders (differ: index.html; missing: cite/{chunk.name}; "
        f"no longer rendered: cite/0123456789.js); run `ssl-bib render site -o {out}`\n")
    fixed = render(BUNDLED, "-o", str(out))
    assert "2 files written, 1 removed" in fixed.stderr
    assert render(BUNDLED, "--check", str(out)).exit_code == 0
    assert (out / "CNAME").read_text() == "example.org"
    assert not (out / "cite" / "0123456789.js").exists()


def test_check_of_a_missing_folder_is_exit_2(tmp_path: Path) -> None:
    result = render(BUNDLED, "--check", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert result.stderr == f"ssl-bib: {tmp_path / 'nowhere'}: no such folder\n"
    (tmp_path / "file").write_text("x")
    result = render(BUNDLED, "--check", str(tmp_path / "file"))
    assert result.exit_code == 2 and "not a folder" in result.stderr


def test_usage_errors(tmp_path: Path) -> None:
    both = render(BUNDLED, "-o", str(tmp_path / "a"), "--check", str(tmp_path))
    assert both.exit_code == 2 and "give -o or --check, not both" in both.stderr
    bad = render(BUNDLED, "-o", str(tmp_path / "a"), "--base-url", "javascript:alert(1)")
    assert bad.exit_code == 2 and "is not an http(s) URL" in bad.stderr
    unknown = render(BUNDLED, "-o", str(tmp_path / "a"), "--venue", "MICAI")
    assert unknown.exit_code == 2 and "did you mean 'MICCAI'?" in unknown.stderr
    assert not (tmp_path / "a").exists()


def test_default_folder_title_base_url_and_filters(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = render(BUNDLED, "--title", "Contrastive <SSL>", "--category", "Contrastive",
                    "--base-url", "https://example.github.io/list/")
    assert result.exit_code == 0, result.output
    html = (tmp_path / "_site" / "index.html").read_text()
    assert "<h1>Contrastive &lt;SSL&gt;</h1>" in html
    assert '<link rel="canonical" href="https://example.github.io/list/">' in html
    listed = CliRunner().invoke(cli, ["--catalog", str(BUNDLED), "list", "--category",
                                      "Contrastive"])
    count = len(listed.stdout.splitlines())
    assert f'<span class="total">{count} papers</span>' in html


def test_entries_without_citation_are_warned_about(tmp_path: Path) -> None:
    catalog = write_catalog(hostile_catalog(), tmp_path / "entries.toml")
    result = render(catalog, "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    # Each entry `export` refuses: a javascript: or relative link (check's
    # error), a data: code link.
    assert len(warnings) == 3 and all(w.startswith("ssl-bib: entries.toml:") for w in warnings)
    assert any("entry jsLink2021: warning: no citation on the site: "
               "'javascript:alert(document.cookie)' is not an http(s) URL" in w for w in warnings)
    assert any("entry scriptTitle2022: warning: no citation on the site: 'data:text/html,"
               in w for w in warnings)
    for warning in warnings:
        key = warning.split(" entry ")[1].split(":")[0]
        refused = CliRunner().invoke(cli, ["--catalog", str(catalog), "export", "-f", "bibtex",
                                           "--key", key])
        assert refused.exit_code == 2, (key, refused.output)


def test_a_key_clash_is_refused_with_its_line(tmp_path: Path) -> None:
    catalog = Catalog(entries=[Entry(key="a2020", title="A", year=2020),
                               Entry(key="A2020", title="B", year=2020)])
    path = write_catalog(catalog, tmp_path / "entries.toml")
    result = render(path, "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert result.stderr.startswith("ssl-bib: entries.toml:")
    assert "cannot export field key: same key as 'a2020' when case is ignored; nothing " \
           "written" in result.stderr
    assert not (tmp_path / "out").exists()


def test_an_unwritable_folder_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")  # a folder cannot be made inside a file, even by root
    result = render(BUNDLED, "-o", str(tmp_path / "file" / "site"))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr == f"ssl-bib: cannot write {tmp_path / 'file' / 'site'}: Not a directory\n"


def test_docs_site_is_current(tmp_path: Path) -> None:
    """docs/site is the bundled catalog's site (CI runs the same check)."""
    docs = REPO / "docs" / "site"
    assert docs.is_dir()
    result = render(BUNDLED, "--check", str(docs))
    assert result.exit_code == 0, result.stderr


def test_the_site_moves_with_its_folder(tmp_path: Path) -> None:
    """Relative links only: a copy under any path (a GitHub Pages sub-path) is
    the same site."""
    out = tmp_path / "a"
    render(BUNDLED, "-o", str(out))
    shutil.copytree(out, tmp_path / "deep" / "sub" / "path")
    assert render(BUNDLED, "--check", str(tmp_path / "deep" / "sub" / "path")).exit_code == 0


def test_the_github_pages_workflow_renders_and_publishes() -> None:
    """docs/pages.yml, ready to copy to .github/workflows/ (it cannot run here):
    valid YAML, on every push to main, renders with the command the README
    documents and deploys what it rendered."""
    import yaml

    workflow = yaml.safe_load((REPO / "docs" / "pages.yml").read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"] and "workflow_dispatch" in triggers
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    runs = [step.get("run", "") for step in build["steps"]]
    uses = [step.get("uses", "").split("@")[0] for step in build["steps"]]
    assert "python -m pip install ." in runs and "ssl-bib check" in runs
    render_step = next(r for r in runs if r.startswith("ssl-bib render site"))
    assert render_step.startswith("ssl-bib render site -o _site --base-url ")
    assert uses.index("actions/configure-pages") < runs.index(render_step)
    upload = next(s for s in build["steps"]
                  if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "_site"
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")
    # The render command it runs is one ssl-bib accepts (the Pages URL is an https URL).
    result = CliRunner().invoke(cli, ["--catalog", str(BUNDLED), "render", "site", "--help"])
    assert "--base-url" in result.stdout and "-o, --output" in result.stdout
