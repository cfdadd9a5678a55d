"""How the catalogue writes a service's cost and its multi-line components."""

from django import template

register = template.Library()


@register.filter
def rupiah(amount: int) -> str:
    """ "Rp150.000"; a free service says so, as standar pelayanan publish it: "Rp0 (gratis)"."""
    if not amount:
        return "Rp0 (gratis)"
    return "Rp" + f"{amount:,}".replace(",", ".")


@register.filter
def lines(text: str) -> list[str]:
    """The non-empty lines of a component written one item per line (persyaratan, prosedur)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
