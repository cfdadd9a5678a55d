"""`{{ rows|drawn:"letter.pk,title" }}`: what a cached list fragment draws of its rows, for the key
of its `{% cache %}` tag (kantor_virtual.fragments), named in the template beside the markup."""

from django import template

from kantor_virtual.fragments import drawn_values

register = template.Library()


@register.filter
def drawn(rows, fields: str) -> list[tuple]:
    return drawn_values(rows, fields.split(","))
