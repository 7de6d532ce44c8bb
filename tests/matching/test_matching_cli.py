"""``tandem match``: the example config as written, messy spreadsheets, clear errors (exit 2)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import Workbook

from tandem.matching.cli import main

EXAMPLE_CONFIG = """\
kind = "peer_pairs"
[[criteria]]
field = "skills"
rule = "complementary"
weight = 5
[[criteria]]
field = "level"
rule = "close"
weight = 2
max_difference = 2
must_have = true
[[criteria]]
field = "timezone"
rule = "overlap"
weight = 2
[[criteria]]
field = "department"
rule = "different"
weight = 1
[[criteria]]
field = "goals"
rule = "similar_text"
weight = 1
[constraints]
exclude_same_manager = true
"""
HEADER = [
    "email",
    "name",
    "department",
    "manager_email",
    "level",
    "timezone",
    "languages",
    "skills_offered",
    "skills_wanted",
    "goals",
]
ROWS = [
    [
        "ana@x.org",
        "Ana",
        "Data",
        "boss@x.org",
        "3",
        "Europe/Berlin",
        "English;German",
        "SQL;Python",
        "public speaking",
        "Get better at public speaking, then lead a team",
    ],
    [
        "ben@x.org",
        "Ben",
        "Sales",
        "head@x.org",
        "4",
        "America/New_York",
        "English",
        "public speaking",
        "SQL",
        "Learn SQL to lead a team",
    ],
    [
        "cid@x.org",
        "Cid",
        "Data",
        "boss@x.org",
        "2",
        "Europe/London",
        "English",
        "Python",
        "Go",
        "Learn Go",
    ],
    [
        "dee@x.org",
        "Dee",
        "Legal",
        "head@x.org",
        "1",
        "Asia/Kolkata",
        "English;Hindi",
        "writing",
        "Python",
        "Write better, learn Python",
    ],
]


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "criteria.toml"
    path.write_text(EXAMPLE_CONFIG)
    return path


def write_csv(path: Path, rows, *, delimiter=",", bom=False, header=HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig" if bom else "utf-8") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run(tmp_path: Path, people: Path, config: Path, *extra: str) -> tuple[int, Path]:
    out = tmp_path / "matches.csv"
    code = main([str(people), "--config", str(config), "--out", str(out), *extra])
    return code, out


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_example_config_works_as_written(tmp_path, config, capsys):
    people = write_csv(tmp_path / "people.csv", ROWS)
    report = tmp_path / "report.html"
    scores = tmp_path / "scores.csv"
    code, out = run(
        tmp_path,
        people,
        config,
        "--report",
        str(report),
        "--scores-out",
        str(scores),
        "--seed",
        "3",
    )
    assert code == 0, capsys.readouterr().err
    rows = read_rows(out)
    matched = [r for r in rows if r["status"] == "matched"]
    assert len(matched) == 2
    ana_ben = next(r for r in matched if "ana@x.org" in r["members"])
    assert ana_ben["members"] == "ana@x.org; ben@x.org"
    assert "Ana offers SQL, which Ben wants" in ana_ben["explanation"]
    assert "Ben offers public speaking, which Ana wants" in ana_ben["explanation"]
    html = report.read_text()
    assert "<svg" in html
    assert "Ana" in html
    assert "upper bound" in html
    pair_scores = read_rows(scores)
    assert {"a", "b", "score"} <= set(pair_scores[0])
    assert ("ana@x.org", "cid@x.org") not in {(r["a"], r["b"]) for r in pair_scores}  # manager
    assert "proven optimal" in capsys.readouterr().out


def test_semicolon_delimiter_bom_quotes_and_blank_lines(tmp_path, config):
    path = tmp_path / "people.csv"
    text = (
        "\ufeffEmail;Name;Department;Manager Email;Level;Timezone;Languages;Skills Offered;"
        "Skills Wanted;Goals\n"
        "\n"
        'ana@x.org;"Ana; the analyst";Data;boss@x.org;3;Europe/Berlin;English,German;'
        '"SQL,Python";public speaking;"Speak up; lead"\n'
        "\n\n"
        "ben@x.org;Ben;Sales;head@x.org;4;America/New_York;English;public speaking;SQL;"
        "Learn SQL\n"
    )
    path.write_text(text, encoding="utf-8")
    code, out = run(tmp_path, path, config)
    assert code == 0
    rows = read_rows(out)
    assert rows[0]["names"] == "Ana; the analyst; Ben"
    assert "Ana; the analyst offers SQL" in rows[0]["explanation"]


def test_xlsx_input(tmp_path, config):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append([])
    for row in ROWS:
        values = list(row)
        values[4] = int(values[4])  # numbers as numbers
        sheet.append(values)
    path = tmp_path / "people.xlsx"
    book.save(path)
    code, out = run(tmp_path, path, config)
    assert code == 0
    assert len([r for r in read_rows(out) if r["status"] == "matched"]) == 2


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda rows: rows[1].__setitem__(4, "senior"),
            ["row 3", "'level'", "'senior' is not a number"],
        ),
        (
            lambda rows: rows[2].__setitem__(5, "Mars/Olympus"),
            ["row 4", "'timezone'", "unknown time zone 'Mars/Olympus'"],
        ),
        (
            lambda rows: rows[3].__setitem__(0, "ANA@x.org"),
            ["row 5", "'email'", "duplicate", "also in row 2"],
        ),
        (
            lambda rows: rows[0].__setitem__(0, "not-an-email"),
            ["row 2", "'email'", "not an email address"],
        ),
    ],
)
def test_bad_cells_name_row_and_column(tmp_path, config, capsys, mutate, expected):
    rows = [list(r) for r in ROWS]
    mutate(rows)
    code, out = run(tmp_path, write_csv(tmp_path / "people.csv", rows), config)
    err = capsys.readouterr().err
    assert code == 2
    for fragment in expected:
        assert fragment in err
    assert "Traceback" not in err
    assert not out.exists()


def test_unknown_config_column(tmp_path, capsys):
    config = tmp_path / "criteria.toml"
    config.write_text('kind = "peer_pairs"\n[[criteria]]\nfield = "guild"\nrule = "same"\n')
    code, _ = run(tmp_path, write_csv(tmp_path / "people.csv", ROWS), config)
    err = capsys.readouterr().err
    assert code == 2
    assert "criterion field 'guild' is not a column of people.csv" in err


def test_bad_config_values_are_all_listed(tmp_path, capsys):
    config = tmp_path / "criteria.toml"
    config.write_text(
        'kind = "speed_dating"\n[[criteria]]\nfield = "level"\nrule = "near"\n'
        "[constraints]\ngroup_size = 9\n"
    )
    code, _ = run(tmp_path, write_csv(tmp_path / "people.csv", ROWS), config)
    err = capsys.readouterr().err
    assert code == 2
    assert "speed_dating" in err
    assert "'near'" in err
    assert "group_size" in err


def test_invalid_toml(tmp_path, capsys):
    config = tmp_path / "criteria.toml"
    config.write_text("kind = \n")
    code, _ = run(tmp_path, write_csv(tmp_path / "people.csv", ROWS), config)
    assert code == 2
    assert "not valid TOML" in capsys.readouterr().err


@pytest.mark.parametrize("content", ["", "\n\n  \n", "\ufeff"])
def test_empty_file(tmp_path, config, capsys, content):
    path = tmp_path / "people.csv"
    path.write_text(content, encoding="utf-8")
    code, _ = run(tmp_path, path, config)
    assert code == 2
    assert "people.csv: the file is empty" in capsys.readouterr().err


def test_header_only_and_missing_email_column(tmp_path, config, capsys):
    code, _ = run(tmp_path, write_csv(tmp_path / "people.csv", []), config)
    assert code == 2
    assert "no people below the header row" in capsys.readouterr().err
    code, _ = run(tmp_path, write_csv(tmp_path / "p2.csv", [["Ana"]], header=["name"]), config)
    assert code == 2
    assert "no 'email' column" in capsys.readouterr().err


def test_missing_files_and_usage(tmp_path, config, capsys):
    code, _ = run(tmp_path, tmp_path / "nope.csv", config)
    assert code == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["people.csv"]) == 2  # argparse: --config and --out are required
    assert "required" in capsys.readouterr().err


def test_unexpected_error_is_readable(tmp_path, config, capsys, monkeypatch):
    import tandem.matching.cli as cli

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(cli, "solve", boom)
    code, _ = run(tmp_path, write_csv(tmp_path / "people.csv", ROWS), config)
    err = capsys.readouterr().err
    assert code == 1
    assert "disk on fire" in err
    assert "Traceback" not in err


def test_unmatched_people_get_a_reason(tmp_path, config):
    rows = [list(r) for r in ROWS] + [
        ["eve@x.org", "Eve", "Ops", "", "8", "UTC", "English", "", "", ""]
    ]
    code, out = run(tmp_path, write_csv(tmp_path / "people.csv", rows), config)
    assert code == 0
    eve = next(r for r in read_rows(out) if r["members"] == "eve@x.org")
    assert eve["status"] == "unmatched"
    assert eve["explanation"] == "no one within 2 levels"


def test_reads_an_hr_export_the_way_the_hr_import_does(tmp_path, config):
    """The same spreadsheet works in `tandem match` and in the HR import: HR-system headers
    ("Work Email", "Grade", "Line Manager Email", "Time Zone") and levels written "L3"."""
    from tandem.people.importing.fields import detect_mapping

    header = [
        "Work Email",
        "Full Name",
        "Department",
        "Line Manager Email",
        "Grade",
        "Time Zone",
        "Languages",
        "skills_offered",
        "skills_wanted",
        "goals",
    ]
    rows = [[*row[:4], f"L{row[4]}", *row[5:]] for row in ROWS]
    people = write_csv(tmp_path / "hr-export.csv", rows, header=header)
    code, out = run(tmp_path, people, config)
    assert code == 0
    groups = read_rows(out)
    members = {m for g in groups for m in g["members"].split("; ")}
    assert members == {"ana@x.org", "ben@x.org", "cid@x.org", "dee@x.org"}
    assert "level 3 and 4 (1 apart)" in groups[0]["explanation"]
    assert set(detect_mapping(header)) >= {
        "email",
        "name",
        "department",
        "manager_email",
        "level",
        "timezone",
        "languages",
    }
