"""The Indeks Kepuasan Masyarakat of PermenPANRB 14/2017 (reference/skm.md §2–3): arithmetic only.

Every step is exact (fractions): the weight is exactly 1/9, not the 0,11 some reports print (which
would give 99,00 for a perfect score), and only the converted value is rounded, to 2 decimals,
half up, as reports print it. The mutu is graded on that rounded value.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from math import floor

ELEMENT_COUNT = 9
WEIGHT = Fraction(1, ELEMENT_COUNT)
CONVERSION = 25

# (lowest converted score, mutu, kinerja unit pelayanan), best first.
GRADES = [
    (Decimal("88.31"), "A", "Sangat baik"),
    (Decimal("76.61"), "B", "Baik"),
    (Decimal("65.00"), "C", "Kurang baik"),
    (Decimal("25.00"), "D", "Tidak baik"),
]


@dataclass(frozen=True)
class Ikm:
    unit: Fraction  # the IKM on the 1–4 scale, exact
    score: Decimal  # converted to 25–100, two decimals
    mutu: str
    kinerja: str


def rounded(value: Fraction | int, places: int = 2) -> Decimal:
    """Half up, exactly: 82.505 gives 82.51 (a float would give 82.50)."""
    scale = 10**places
    return Decimal(floor(Fraction(value) * scale + Fraction(1, 2))) / scale


def nrr(*, total: int, respondents: int) -> Fraction:
    """Nilai rata-rata of one element: the sum of its answers over those who answered it."""
    if respondents <= 0:
        raise ValueError("NRR tanpa responden tidak terdefinisi.")
    return Fraction(total, respondents)


def grade(score: Decimal) -> tuple[str, str]:
    """Mutu and kinerja of a converted score already rounded to 2 decimals."""
    for lowest, mutu, kinerja in GRADES:
        if score >= lowest:
            return mutu, kinerja
    raise ValueError(f"Nilai IKM di luar rentang 25–100: {score}")


def ikm_of(nrrs: Mapping[str, Fraction | Decimal | int]) -> Ikm:
    """IKM = Σ NRR_i × 1/9 over the nine elements, then × 25, rounded at the very end."""
    if len(nrrs) != ELEMENT_COUNT:
        raise ValueError(f"IKM memerlukan {ELEMENT_COUNT} unsur, diberikan {len(nrrs)}.")
    unit = sum((Fraction(value) * WEIGHT for value in nrrs.values()), Fraction(0))
    score = rounded(unit * CONVERSION)
    mutu, kinerja = grade(score)
    return Ikm(unit=unit, score=score, mutu=mutu, kinerja=kinerja)


def weakest(nrrs: Mapping[str, Fraction]) -> str:
    """The element to improve first: the lowest NRR (on a tie, the one asked first)."""
    return min(nrrs, key=lambda name: nrrs[name])
