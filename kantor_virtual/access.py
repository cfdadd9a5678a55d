"""Pages open to everyone: the public verification of letters, the CRL, and the public portal."""


def public(view):
    """Mark a view that anyone may open, signed in or not: the second-factor gate lets it through, so a
    pimpinan who has not yet entered a TOTP code can still check a letter like any citizen."""
    view.public_page = True
    return view


def is_public(view) -> bool:
    return getattr(view, "public_page", False)
