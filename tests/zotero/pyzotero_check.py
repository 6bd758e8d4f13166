"""Does pyzotero take the local test server for api.zotero.org? (A check, not a
test: pyzotero 1.16 pins bibtexparser<2 and cannot live in the project's venv.)

    python3 -m venv /tmp/pz && /tmp/pz/bin/pip install 'pyzotero>=1.16,<1.17'
    /tmp/pz/bin/python tests/zotero/pyzotero_check.py

Runs pyzotero's read and write calls against the server (pointed there with
`zot.endpoint`) and checks each answer; prints "pyzotero: all N checks passed".
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pyzotero import zotero  # noqa: E402
from zotero_fake_server import FakeZotero  # noqa: E402

GROUP, KEY = 5150, "sslBibTestKey0123456789ab"


def main() -> None:
    fake = FakeZotero()
    fake.add_group(GROUP)
    fake.add_key(KEY, {GROUP: "rw"})
    zot = zotero.Zotero(GROUP, "group", KEY)
    zot.endpoint = fake.start()
    checks = 0

    def check(condition: bool, what: str) -> None:
        nonlocal checks
        if not condition:
            raise SystemExit(f"pyzotero: failed: {what}")
        checks += 1

    check(zot.key_info()["access"]["groups"][str(GROUP)]["write"], "key_info")
    template = zot.item_template("journalArticle")
    check("publicationTitle" in template and "repository" not in template, "item_template")
    template.update({"title": "Hello", "date": "2020"})
    created = zot.create_items([dict(template) for _ in range(3)])
    check(len(created["successful"]) == 3 and not created["failed"], "create_items")
    for n in range(120):
        fake.add_item(GROUP, {"itemType": "journalArticle", "title": f"P{n}", "date": "2020"})
    check(zot.num_items() == 123, "num_items (Total-Results)")
    check(len(zot.everything(zot.items())) == 123, "everything (Link rel=next)")
    check(len(zot.top(limit=5)) == 5, "top")
    check(len(zot.item_versions(since=0)) == 123, "item_versions")
    check(zot.last_modified_version() == fake.libraries[GROUP].version, "Last-Modified-Version")
    item = zot.items(limit=1)[0]
    item["data"]["volume"] = "4"
    check(bool(zot.update_item(item)), "update_item")
    check(zot.item(item["key"])["data"]["volume"] == "4", "item")
    made = zot.create_collections([{"name": "2020"}])
    check(len(made["successful"]) == 1 and len(zot.collections()) == 1, "collections")
    check(zot.deleted(since=0)["items"] == [], "deleted")
    check(bool(zot.delete_item(zot.item(item["key"]))), "delete_item")
    check(zot.deleted(since=0)["items"] == [item["key"]], "deleted after delete")
    check(len(zot.item_fields()) > 40, "item_fields")
    fake.stop()
    print(f"pyzotero: all {checks} checks passed")


if __name__ == "__main__":
    main()
