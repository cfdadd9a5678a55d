class Refused(Exception):
    """A business rule said no. `message` is Indonesian and safe to show; `code` is for code and tests."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
