"""docs/customising.md, done as a municipality would do it."""

from pathlib import Path

DOC = (Path(__file__).parent.parent / "docs" / "customising.md").read_text(encoding="utf-8")


def test_copy_rename_add_field_change_deadline_check_and_run(samskab, workdir):
    assert "samskab processes copy partnerskab partnerskab_holbaek --to processes" in DOC
    samskab("processes", "copy", "partnerskab", "partnerskab_holbaek", "--to", "processes")
    (workdir / "samskab.toml").write_text('processes = ["processes"]\n')
    path = workdir / "processes" / "partnerskab_holbaek.toml"
    text = path.read_text(encoding="utf-8")
    assert 'id = "partnerskab_holbaek"' in text and "version = 1" in text

    text = text.replace(
        'title = { da = "Til underskrift i styregruppen", en = "For signature by the steering group" }',
        'title = { da = "Til underskrift hos borgmesteren", en = "For the mayor\'s signature" }',
    )
    text = text.replace(
        '[[fields]]\nid = "organisation"',
        '[[fields]]\nid = "kommunal_kontakt"\ntype = "text"\n'
        'label = { da = "Kommunens kontaktperson", en = "Municipal contact person" }\n\n'
        '[[fields]]\nid = "organisation"',
    )
    text = text.replace(
        'fields = ["indsatsomraade", "kontakt_email"]',
        'fields = ["indsatsomraade", "kontakt_email", "kommunal_kontakt"]',
    )
    text = text.replace('after = "P3Y"', 'after = "P2Y"')
    path.write_text(text, encoding="utf-8")

    assert samskab("processes", "check", "processes").stdout.startswith("ok: 1")
    broken = path.read_text(encoding="utf-8").replace('to = "aktiv"', 'to = "aktivt"', 1)
    path.write_text(broken, encoding="utf-8")
    err = samskab("processes", "check", "processes", exit=2).stderr
    assert "unknown state `aktivt` (did you mean `aktiv`?)" in err
    path.write_text(text, encoding="utf-8")

    ours = samskab.json("cases", "new", "partnerskab_holbaek", "--title", "Spejderne i Tølløse")
    original = samskab.json("cases", "new", "partnerskab", "--title", "Lions")
    assert {c["process"] for c in samskab.json("cases", "list")} == {"partnerskab", "partnerskab_holbaek"}
    shown = samskab.json("processes", "show", "partnerskab_holbaek")
    assert next(s for s in shown["states"] if s["id"] == "aktiv")["deadline"]["after"] == "P2Y"
    assert (
        "Til underskrift hos borgmesteren"
        in samskab("--lang", "da", "processes", "show", "partnerskab_holbaek").stdout
    )
    assert ours["version"] == 1 and original["version"] == 5


def test_copy_refuses_a_bad_id_or_an_existing_file(samskab):
    assert "not a valid id" in samskab("processes", "copy", "partnerskab", "1x", exit=2).stderr
    samskab("processes", "copy", "partnerskab", "mit")
    assert "already exists" in samskab("processes", "copy", "partnerskab", "mit", exit=2).stderr
