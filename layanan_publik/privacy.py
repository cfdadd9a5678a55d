"""Personal data shown on pages: a NIK is never echoed in full (UU 27/2022 on personal data)."""


def mask_nik(nik: str) -> str:
    """3171010101900001 → 3171********0001: the region code and the last digits, enough for the
    owner to recognise it, too little to use it."""
    if len(nik) <= 8:
        return "*" * len(nik)
    return f"{nik[:4]}{'*' * (len(nik) - 8)}{nik[-4:]}"
