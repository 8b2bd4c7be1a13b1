"""Running cases keep the version they were opened with, whatever the file says later."""


def test_running_cases_stay_on_their_version(samskab, process_dir):
    mine = ["--processes", str(process_dir)]
    old = samskab.json(*mine, "cases", "new", "lokal", "--title", "Gammel")
    assert old["version"] == 1

    path = process_dir / "lokal.toml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("version = 1", "version = 2")
    text += (
        '\n[[actions]]\nid = "spring_over"\ntitle = "Spring dialogen over"\n'
        'from = "dialog"\nto = "aftaleudkast"\n'
    )
    path.write_text(text, encoding="utf-8")

    new = samskab.json(*mine, "cases", "new", "lokal", "--title", "Ny")
    assert new["version"] == 2
    assert "spring_over" in [a["id"] for a in new["actions"]]

    old = samskab.json(*mine, "cases", "show", str(old["id"]))
    assert old["version"] == 1
    assert "spring_over" not in [a["id"] for a in old["actions"]]
    result = samskab(*mine, "cases", "advance", str(old["id"]), "spring_over", exit=1)
    assert "has no action `spring_over`" in result.stderr

    # Even with the file gone, version 1 lives on in the database.
    path.unlink()
    case = samskab.json(*mine, "cases", "advance", str(old["id"]), "afbryd", "--note", "Stop")
    assert case["state"] == "ikke_indgaaet" and case["version"] == 1


def test_file_changed_without_new_version_is_reported_not_used(samskab, process_dir):
    mine = ["--processes", str(process_dir)]
    first = samskab.json(*mine, "cases", "new", "lokal", "--title", "Første")
    path = process_dir / "lokal.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("P6W", "P8W"), encoding="utf-8")

    check = samskab(*mine, "processes", "check", exit=2)
    assert f"{path}:9: version: process `lokal` changed since version 1 was first used" in check.stderr
    assert "set `version = 2`" in check.stderr

    refused = samskab(*mine, "cases", "new", "lokal", "--title", "Anden", exit=2)
    assert "changed since version 1 was first used" in refused.stderr
    # The running case goes on under the stored text.
    samskab(*mine, "cases", "advance", str(first["id"]), "afbryd", "--note", "x")
