"""A group's current semester from the admission year in its name (SPEC §1)."""

from __future__ import annotations

from datetime import date

import pytest

from equeue_ui.services.groups import semester_of


@pytest.mark.parametrize(
    ("today", "semester"),
    [
        (date(2021, 9, 1), 1),  # admission day
        (date(2021, 12, 31), 1),
        (date(2022, 1, 15), 1),
        (date(2022, 2, 28), 1),  # autumn semester runs through February
        (date(2022, 3, 1), 2),
        (date(2022, 8, 31), 2),
        (date(2022, 9, 1), 3),
        (date(2024, 2, 29), 5),  # leap day
        (date(2026, 3, 1), 10),
        (date(2026, 11, 26), 11),
    ],
)
def test_the_semester_counts_from_the_first_of_september_of_the_admission_year(
    today: date, semester: int
) -> None:
    assert semester_of("КИ21-16/2Б", today) == semester


@pytest.mark.parametrize(
    ("name", "semester"),
    [
        ("ФФ20-03М", 13),  # admitted 2020
        ("ИКИТ-23", 7),  # the first run of digits, wherever it is
        ("КИ21", 11),
        ("ЭУ19-11Б и 21", 15),  # only the first run counts
        ("КИ214-01", 11),  # a longer run: its first two digits are the year
    ],
)
def test_the_admission_year_is_the_first_two_digits_of_the_first_run_of_digits(
    name: str, semester: int
) -> None:
    assert semester_of(name, date(2026, 11, 26)) == semester


@pytest.mark.parametrize("name", ["", "Аспиранты", "Group B", "КИ-Б"])
def test_a_name_without_digits_has_no_known_semester(name: str) -> None:
    assert semester_of(name, date(2026, 11, 26)) is None


def test_a_group_admitted_after_today_has_no_semester_yet() -> None:
    assert semester_of("КИ27-01Б", date(2026, 11, 26)) is None
    assert semester_of("КИ26-01Б", date(2026, 8, 31)) is None
    assert semester_of("КИ26-01Б", date(2026, 9, 1)) == 1
