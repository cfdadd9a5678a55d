"""The IKM arithmetic of PermenPANRB 14/2017, checked against numbers worked out by hand."""

from decimal import Decimal
from fractions import Fraction

import pytest

from layanan_publik.ikm import grade, ikm_of, nrr, rounded, weakest
from layanan_publik.models import SKM_ELEMENTS

NAMES = [name for name, _ in SKM_ELEMENTS]


def test_the_worked_example_of_the_reference_gives_82_50_and_mutu_b():
    # reference/skm.md §3: the NRRs average 29.7 / 9 = 3.30; × 25 = 82.50 → B, Baik.
    nrrs = dict(
        zip(NAMES, map(Decimal, ["3.2", "3.1", "3.4", "3.9", "3.3", "3.2", "3.5", "3.0", "3.1"]), strict=True)
    )

    ikm = ikm_of(nrrs)

    assert ikm.unit == Fraction(33, 10)
    assert ikm.score == Decimal("82.50")
    assert (ikm.mutu, ikm.kinerja) == ("B", "Baik")


def test_five_respondents_computed_by_hand():
    # Answers of respondents R1..R5 per element, the sum and the NRR (sum / 5), by hand:
    #   requirements        4 3 3 4 3 = 17 → 3.4
    #   procedure           3 3 2 3 3 = 14 → 2.8
    #   completion_time     2 3 2 3 2 = 12 → 2.4   ← the weakest
    #   cost                4 4 4 4 4 = 20 → 4.0
    #   product             3 3 3 4 3 = 16 → 3.2
    #   staff_competence    3 4 3 3 3 = 16 → 3.2
    #   staff_behaviour     4 4 3 4 4 = 19 → 3.8
    #   complaint_handling  2 3 3 2 3 = 13 → 2.6
    #   facilities          3 3 3 3 4 = 16 → 3.2
    # Σ NRR = 28.6; IKM = 28.6 × 1/9 = 3.17777…; × 25 = 79.4444… → 79.44 → B (76.61–88.30), Baik.
    # Rounding too early would be wrong: 3.18 × 25 = 79.50, and the weight 0.11 gives 28.6 × 0.11 × 25 = 78.65.
    answers = {
        "requirements": [4, 3, 3, 4, 3],
        "procedure": [3, 3, 2, 3, 3],
        "completion_time": [2, 3, 2, 3, 2],
        "cost": [4, 4, 4, 4, 4],
        "product": [3, 3, 3, 4, 3],
        "staff_competence": [3, 4, 3, 3, 3],
        "staff_behaviour": [4, 4, 3, 4, 4],
        "complaint_handling": [2, 3, 3, 2, 3],
        "facilities": [3, 3, 3, 3, 4],
    }
    nrrs = {name: nrr(total=sum(values), respondents=len(values)) for name, values in answers.items()}

    assert [rounded(nrrs[name], 1) for name in NAMES] == list(
        map(Decimal, ["3.4", "2.8", "2.4", "4.0", "3.2", "3.2", "3.8", "2.6", "3.2"])
    )
    ikm = ikm_of(nrrs)
    assert ikm.unit == Fraction(286, 90)
    assert ikm.score == Decimal("79.44")
    assert (ikm.mutu, ikm.kinerja) == ("B", "Baik")
    assert weakest(nrrs) == "completion_time"


def test_all_fours_give_exactly_100():
    ikm = ikm_of(dict.fromkeys(NAMES, nrr(total=4 * 7, respondents=7)))

    assert ikm.score == Decimal("100.00")
    assert (ikm.mutu, ikm.kinerja) == ("A", "Sangat baik")


def test_all_ones_give_25_and_mutu_d():
    assert ikm_of(dict.fromkeys(NAMES, 1)).score == Decimal("25.00")


@pytest.mark.parametrize(
    ("score", "mutu", "kinerja"),
    [
        ("100.00", "A", "Sangat baik"),
        ("88.31", "A", "Sangat baik"),
        ("88.30", "B", "Baik"),
        ("76.61", "B", "Baik"),
        ("76.60", "C", "Kurang baik"),
        ("65.00", "C", "Kurang baik"),
        ("64.99", "D", "Tidak baik"),
        ("25.00", "D", "Tidak baik"),
    ],
)
def test_mutu_boundaries_of_the_regulation(score, mutu, kinerja):
    assert grade(Decimal(score)) == (mutu, kinerja)


def test_the_converted_value_is_rounded_half_up_at_the_end_and_graded_rounded():
    # Every NRR 3.5322: IKM = 3.5322 exactly, × 25 = 88.305 → 88.31 (half up) → A.
    assert ikm_of(dict.fromkeys(NAMES, Decimal("3.5322"))).score == Decimal("88.31")
    assert ikm_of(dict.fromkeys(NAMES, Decimal("3.5322"))).mutu == "A"
    # Every NRR 3.5321: × 25 = 88.3025 → 88.30 → B.
    assert ikm_of(dict.fromkeys(NAMES, Decimal("3.5321"))).mutu == "B"


def test_nine_elements_are_required():
    with pytest.raises(ValueError):
        ikm_of(dict.fromkeys(NAMES[:8], 3))
    with pytest.raises(ValueError):
        nrr(total=0, respondents=0)
