"""The awesome-list README as a format: read (tables and bullet lists) and
written (`ssl-bib render readme`), in one package.

    tables.py    the venue list and the paper tables (GitHub's table rules)
    bullets.py   paper lists written as bullets
    rows.py      what both readers give: rows, listed venues, shared Markdown
    entries.py   rows -> catalog entries (one per paper, listed under its years)
    venues.py    "Full Name (ABBR)" and what kind of venue a name is
    render.py    the catalog -> the README's venue list and year tables
    reader.py    tables and bullets -> records (the format's reader)

The package itself imports none of them: `render readme` loads render.py
alone, and `import` of a BibTeX file loads none of the README's reader.
"""
